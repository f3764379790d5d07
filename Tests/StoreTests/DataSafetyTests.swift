import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Data safety: the data folder's file system and backup rotation")
struct DataSafetyTests {
    @Test(
        "network file systems are refused with the reason and the override; local ones accepted",
        arguments: [
            (Int64(0x6969), "NFS"), (0xFF53_4D42, "CIFS"), (0xFE53_4D42, "SMB2"), (0x517B, "SMB"), (0x0102_1997, "9p"),
        ])
    func networkRefused(_ type: Int64, _ name: String) throws {
        let reason = try #require(
            DataDirectory.refusal(path: "/var/lib/homeport", fileSystemType: type, allowNetwork: false))
        #expect(
            reason.hasPrefix(
                "data_dir /var/lib/homeport is on a network file system (\(name)), where SQLite's file locking is unreliable"
            ))
        #expect(reason.contains("data_dir_allow_network_fs: true (HOMEPORT_DATA_DIR_ALLOW_NETWORK_FS=true)"))
        #expect(DataDirectory.refusal(path: "/var/lib/homeport", fileSystemType: type, allowNetwork: true) == nil)
    }

    @Test(
        "local file systems pass: ext4, xfs, btrfs, tmpfs, overlayfs, zfs",
        arguments: [
            Int64(0xEF53), 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x794C_7630, 0x2FC1_2FC1,
        ])
    func localAccepted(_ type: Int64) {
        #expect(DataDirectory.refusal(path: "/data", fileSystemType: type, allowNetwork: false) == nil)
    }

    @Test("the check reads the real file system of a fresh folder (local here) and creates the folder")
    func realCheck() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-datadir-\(UUID().uuidString)/data"
        ).path
        try DataDirectory.check(folder, allowNetwork: false)
        #expect(FileManager.default.fileExists(atPath: folder))
        #expect(DataDirectory.fileSystemType(of: folder) != nil)
    }

    @Test(
        "backup names carry the UTC time and sort as times do; only the newest `keep` copies are kept, other files never touched"
    )
    func rotation() throws {
        let date = Date(timeIntervalSince1970: 1_796_285_700.25) // 2026-12-03T08:15:00.250Z
        #expect(BackupRotation.fileName(at: date) == "homeport-20261203T081500.250Z.sqlite")
        #expect(BackupRotation.date(ofFileName: "homeport-20261203T081500.250Z.sqlite") == date)
        #expect(BackupRotation.date(ofFileName: "notes.sqlite") == nil)
        let names = [
            "homeport-20261201T000000.000Z.sqlite", "homeport-20261203T000000.000Z.sqlite", "README",
            "homeport-20261202T000000.000Z.sqlite", "homeport-manual.sqlite",
        ]
        #expect(BackupRotation.expired(names, keep: 2) == ["homeport-20261201T000000.000Z.sqlite"])
        #expect(
            BackupRotation.expired(names, keep: 1) == [
                "homeport-20261202T000000.000Z.sqlite", "homeport-20261201T000000.000Z.sqlite",
            ])
        #expect(BackupRotation.expired(names, keep: 5).isEmpty)
    }

    @Test("the next copy is due an interval after the newest, or now when there is none or it is overdue")
    func due() {
        let now = Date(timeIntervalSince1970: 10_000)
        #expect(BackupRotation.nextDue(newest: nil, interval: 3600, now: now) == now)
        #expect(
            BackupRotation.nextDue(newest: now.addingTimeInterval(-600), interval: 3600, now: now)
                == now.addingTimeInterval(3000))
        #expect(BackupRotation.nextDue(newest: now.addingTimeInterval(-7200), interval: 3600, now: now) == now)
    }

    @Test("a scheduled copy into a path that is a file fails with the reason and leaves nothing behind")
    func failingFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-bk-\(UUID().uuidString)")
            .path
        let database = try HomeportDatabase(path: folder + "/data/homeport.sqlite")
        try await database.pool.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        FileManager.default.createFile(atPath: folder + "/not-a-folder", contents: Data("x".utf8))
        await #expect {
            try await ScheduledBackups(database: database, folder: folder + "/not-a-folder", keep: 2).takeOne()
        } throws: { error in
            (error as? BackupError)?.reason.hasPrefix("cannot create the backup folder \(folder)/not-a-folder") == true
        }
    }
}

import FakeUpstreams
import Foundation
import GRDB
import Store
import Testing

@Suite("Scheduled backups", .serialized)
struct ScheduledBackupTests {
    /// Scheduled copies in `folder`, oldest first.
    func copies(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix("homeport-") }
            .sorted()
    }

    @Test("copies are taken on schedule, each a sound database holding the requests; only backup.keep remain")
    func onSchedule() async throws {
        let data = try freshFolder("bk-data")
        let backups = try freshFolder("bk") + "/copies"
        let server = try ServerProcess(
            environment: [
                "HOMEPORT_DATA_DIR": data, "HOMEPORT_BACKUP_DIR": backups,
                // Every 1.8 s.
                "HOMEPORT_BACKUP_INTERVAL_HOURS": "0.0005", "HOMEPORT_BACKUP_KEEP": "2",
            ], port: closedPort())
        #expect(await server.waitUntilServing(), "\(server.log)")
        let id = try await server.submit(#"{"app_name": "kept", "engine": "template", "image": "nginx:1.27"}"#)
        let submitted = Date()

        // Wait (bounded) until two copies newer than the request are all that remain.
        var remaining: [String] = []
        for _ in 0..<600 {
            remaining = copies(in: backups)
            let newer = remaining.compactMap(BackupRotation.date(ofFileName:)).filter { $0 > submitted }
            if newer.count == 2 && remaining.count == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(remaining.count == 2, "\(remaining)")
        #expect(server.log.components(separatedBy: "database backed up").count - 1 >= 3, "more were taken than kept")
        for name in remaining {
            let copy = try DatabaseQueue(path: backups + "/" + name)
            #expect(try await copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
            #expect(try await copy.read { try String.fetchAll($0, sql: "SELECT id FROM app_requests") } == [id])
        }
        #expect(try await server.send("GET", "/-/errors").text.contains("Database last backed up at"))
        let metrics = try await server.send("GET", "/metrics").text
        #expect(metrics.contains("homeport_backup_failures_total 0.0"))
        let last = try #require(
            metrics.split(separator: "\n").first { $0.hasPrefix("homeport_backup_last_success_timestamp_seconds ") })
        #expect((Double(last.split(separator: " ")[1]) ?? 0) > submitted.timeIntervalSince1970)
    }

    @Test("a backup folder that cannot be written shows on /-/errors and in /metrics")
    func failing() async throws {
        let data = try freshFolder("bk-fail")
        FileManager.default.createFile(atPath: data + "/a-file", contents: Data("x".utf8))
        let server = try ServerProcess(
            environment: ["HOMEPORT_DATA_DIR": data + "/db", "HOMEPORT_BACKUP_DIR": data + "/a-file"],
            port: closedPort())
        #expect(await server.waitUntilServing(), "\(server.log)")
        var metrics = ""
        for _ in 0..<300 where !metrics.contains("homeport_backup_failures_total 1.0") {
            metrics = try await server.send("GET", "/metrics").text
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(metrics.contains("homeport_backup_failures_total 1.0"))
        #expect(metrics.contains("homeport_backup_last_success_timestamp_seconds 0.0"))
        let errors = try await server.send("GET", "/-/errors").text
        #expect(errors.contains("The scheduled backup of the database, at"))
        #expect(errors.contains("failed: cannot create the backup folder \(data)/a-file"))
        #expect(errors.contains("No copy has succeeded since the start."))
    }
}

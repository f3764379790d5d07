import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Database migrations")
struct MigrationTests {
    func folder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-store-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder + "/migrations", withIntermediateDirectories: true)
        for (name, sql) in files {
            try sql.write(toFile: folder + "/migrations/" + name, atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("applies .sql files in name order, once, in WAL mode")
    func appliesInOrder() async throws {
        let folder = try folder([
            "0002_add_column.sql": "ALTER TABLE notes ADD COLUMN author TEXT;",
            "0001_notes.sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
            "README.md": "not a migration",
        ])
        let database = try HomeportDatabase(path: folder + "/data/homeport.sqlite")
        #expect(try database.migrate(folder: folder + "/migrations") == ["0001_notes", "0002_add_column"])
        #expect(try database.migrate(folder: folder + "/migrations") == [])
        try await database.pool.write {
            try $0.execute(sql: "INSERT INTO notes (text, author) VALUES ('hi', 'alex')")
        }
        #expect(try await database.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(await database.isAnswering())
    }

    @Test("a broken migration fails and leaves earlier ones applied")
    func brokenMigration() throws {
        let folder = try folder([
            "0001_ok.sql": "CREATE TABLE a (id INTEGER PRIMARY KEY);",
            "0002_broken.sql": "CREATE TABLE oops (",
        ])
        let database = try HomeportDatabase(path: folder + "/homeport.sqlite")
        #expect(throws: (any Error).self) { try database.migrate(folder: folder + "/migrations") }
        #expect(try database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM a") } == 0)
    }

    @Test("the project's own migrations folder applies cleanly")
    func projectMigrations() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let folder = try folder([:])
        let database = try HomeportDatabase(path: folder + "/homeport.sqlite")
        _ = try database.migrate(folder: root + "/migrations")
        #expect(try database.migrate(folder: root + "/migrations") == [])
    }
}

@Suite("Online backup")
struct BackupTests {
    @Test("a backup taken while rows are being written is a consistent, checked copy")
    func backupWhileWriting() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-backup-\(UUID().uuidString)"
        ).path
        let database = try HomeportDatabase(path: folder + "/homeport.sqlite")
        try database.migrate(folder: root + "/migrations")
        try await database.pool.write { try $0.execute(sql: "CREATE TABLE counter (n INTEGER NOT NULL)") }
        let writer = Task {
            for n in 0..<500 {
                try await database.pool.write {
                    try $0.execute(sql: "INSERT INTO counter (n) VALUES (?)", arguments: [n])
                }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        try await database.backup(to: folder + "/copy.sqlite")
        try await writer.value
        let copy = try DatabaseQueue(path: folder + "/copy.sqlite")
        let rows = try await copy.read { try Int.fetchAll($0, sql: "SELECT n FROM counter ORDER BY n") }
        #expect(rows == Array(0..<rows.count), "the copy holds a prefix of the writes, never a torn one")
        let integrity = try await copy.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        await #expect(throws: BackupError.self) { try await database.backup(to: folder + "/copy.sqlite") }
    }
}

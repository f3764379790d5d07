import Foundation
import GRDB

/// Homeport's SQLite database: WAL mode, a busy timeout, and the SQL migrations of `migrations/`.
///
/// Migrations are plain `.sql` files applied in file-name order (`0001_requests.sql`...), each
/// once, recorded by GRDB's migrator; a landed file is never edited, a change is a new file.
public struct HomeportDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) the database file at `path`. `traceStatement`, when given, is
    /// called with the SQL of every statement any connection runs (to see what a code path costs).
    public init(path: String, traceStatement: (@Sendable (String) -> Void)? = nil) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            if let traceStatement { db.trace { traceStatement("\($0)") } }
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Applies the migrations of `folder` not yet applied; returns the names it applied.
    ///
    /// Synchronous: it runs once, before the server takes requests (or in `homeport migrate`).
    @discardableResult
    public func migrate(folder: String) throws -> [String] {
        let migrations = try Self.migrations(in: folder)
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name) { db in
                try db.execute(sql: migration.sql)
            }
        }
        let applied = try pool.read { try migrator.appliedIdentifiers($0) }
        try migrator.migrate(pool)
        return migrations.map(\.name).filter { !applied.contains($0) }
    }

    /// A consistent copy of the live database at `path`, through SQLite's online backup API, safe
    /// while the server writes; the copy's `PRAGMA integrity_check` must answer "ok". An existing
    /// file at `path` is never overwritten.
    /// The copy runs on GRDB's reader queue, not on a thread of Swift's concurrency pool.
    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError(reason: "\(path) already exists; choose a new file")
        }
        let copy = try DatabaseQueue(path: path)
        try await pool.read { source in try copy.writeWithoutTransaction { try source.backup(to: $0) } }
        let check = try await copy.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        guard check == ["ok"] else {
            throw BackupError(reason: "the copy at \(path) fails its integrity check: \(check.joined(separator: "; "))")
        }
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound database, else SQLite's list of problems.
    public func integrityCheck() async throws -> [String] {
        try await pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }

    /// Whether the database answers a query (for readiness checks).
    public func isAnswering() async -> Bool {
        (try? await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }) == 1
    }

    static func migrations(in folder: String) throws -> [(name: String, sql: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            let sql = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            return ((name as NSString).deletingPathExtension, sql)
        }
    }
}

/// Why a backup was not made.
public struct BackupError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

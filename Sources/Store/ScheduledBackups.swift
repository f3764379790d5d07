import Foundation

/// The copies the running server takes of its database (`backup.dir`): each through SQLite's
/// online backup API (`HomeportDatabase.backup(to:)`, as `homeport backup` does), named with its
/// UTC time, the newest `keep` kept.
public struct ScheduledBackups: Sendable {
    public let database: HomeportDatabase
    public let folder: String
    public let keep: Int

    public init(database: HomeportDatabase, folder: String, keep: Int) {
        self.database = database
        self.folder = folder
        self.keep = keep
    }

    /// Takes one copy now and deletes those beyond the newest `keep`; returns the copy's path.
    ///
    /// - Throws: `BackupError` saying what failed: the folder, the copy, or its integrity check.
    @discardableResult
    public func takeOne(now: Date = Date()) async throws(BackupError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw BackupError(reason: "cannot create the backup folder \(folder): \(Self.describe(error))")
        }
        let path = folder + "/" + BackupRotation.fileName(at: now)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError(reason: "\(path) already exists")
        }
        do {
            try await database.backup(to: path)
        } catch {
            // A half-written or unsound copy must not pass for a backup, nor push a good one out.
            try? FileManager.default.removeItem(atPath: path)
            throw error as? BackupError ?? BackupError(reason: "cannot write \(path): \(Self.describe(error))")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in BackupRotation.expired(names, keep: keep) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        return path
    }

    /// When the newest copy in the folder was taken; nil when there is none.
    public func newest() -> Date? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap(BackupRotation.date(ofFileName:)).max()
    }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? "\(error)"
    }
}

/// Names of scheduled copies and which of them to keep: pure, so tested with plain values.
public enum BackupRotation {
    /// `homeport-20261203T081500.123Z.sqlite`: UTC, so names sort as times do, with milliseconds
    /// so that short test intervals never collide.
    public static func fileName(at date: Date) -> String {
        "homeport-" + formatter.string(from: date) + ".sqlite"
    }

    /// The time in a name `fileName(at:)` made; nil for any other file.
    public static func date(ofFileName name: String) -> Date? {
        guard name.hasPrefix("homeport-"), name.hasSuffix(".sqlite") else { return nil }
        return formatter.date(from: String(name.dropFirst("homeport-".count).dropLast(".sqlite".count)))
    }

    /// The scheduled copies among `names` beyond the newest `keep`; other files are never listed.
    public static func expired(_ names: [String], keep: Int) -> [String] {
        let copies = names.compactMap { name in date(ofFileName: name).map { (name, $0) } }.sorted { $0.1 > $1.1 }
        return copies.dropFirst(max(keep, 0)).map(\.0)
    }

    /// When the next copy is due: an interval after the newest, or now when there is none (a
    /// server restarted more often than the interval still takes its copies).
    public static func nextDue(newest: Date?, interval: TimeInterval, now: Date) -> Date {
        guard let newest else { return now }
        return max(now, newest.addingTimeInterval(interval))
    }

    // DateFormatter is thread-safe for formatting and parsing once configured.
    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter
    }()
}

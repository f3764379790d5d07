import Config
import Foundation
import Logging
import ServiceLifecycle
import Status
import Store
import Synchronization

/// What the scheduled backups did last, for `/-/errors` and `/metrics`.
public final class BackupLog: Sendable {
    struct State: Sendable {
        var lastSuccess: Date?
        var lastFile: String?
        var failures = 0
        /// The newest attempt's failure; cleared by a success.
        var lastFailure: (at: Date, reason: String)?
    }

    private let state = Mutex(State())

    public init() {}

    var current: State { state.withLock { $0 } }

    func succeeded(file: String, at date: Date) {
        state.withLock { state in
            state.lastSuccess = date
            state.lastFile = file
            state.lastFailure = nil
        }
    }

    func failed(_ reason: String, at date: Date) {
        state.withLock { state in
            state.failures += 1
            state.lastFailure = (date, reason)
        }
    }

    /// `homeport_backup_last_success_timestamp_seconds` (0 before the first success) and
    /// `homeport_backup_failures_total`.
    func families() -> [MetricFamily] {
        let current = self.current
        return [
            MetricFamily(
                name: "homeport_backup_last_success_timestamp_seconds",
                help: "When the last scheduled backup of the database succeeded (0: none yet).",
                type: "gauge", samples: [([:], current.lastSuccess?.timeIntervalSince1970 ?? 0)]),
            MetricFamily(
                name: "homeport_backup_failures_total", help: "Scheduled backups of the database that failed.",
                type: "counter", samples: [([:], Double(current.failures))]),
        ]
    }
}

/// Takes a copy of the database every `backup.interval_hours` while the server runs: the first
/// when the newest copy in `backup.dir` is older than the interval (or at start, when there is none).
struct ScheduledBackupService: Service {
    let backups: ScheduledBackups
    let interval: Duration
    let log: BackupLog
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let seconds = interval / .seconds(1)
            var due = BackupRotation.nextDue(newest: backups.newest(), interval: seconds, now: Date())
            while !Task.isCancelled {
                let wait = due.timeIntervalSinceNow
                if wait > 0 {
                    guard (try? await Task.sleep(for: .milliseconds(Int64(wait * 1000)))) != nil else { return }
                }
                let started = Date()
                // SQLite's backup runs on GRDB's queue, off the cooperative pool.
                do throws(BackupError) {
                    let file = try await backups.takeOne(now: started)
                    log.succeeded(file: file, at: started)
                    logger.info("database backed up", metadata: ["file": "\(file)"])
                } catch {
                    log.failed(error.reason, at: started)
                    logger.error("scheduled backup failed", metadata: ["reason": "\(error.reason)"])
                }
                due = started.addingTimeInterval(seconds)
            }
        }
    }
}

/// The scheduled backups `backup` describes, or nil when `backup.dir` is empty.
func makeScheduledBackups(config: HomeportConfig, database: HomeportDatabase, logger: Logger) -> (
    service: ScheduledBackupService, log: BackupLog
)? {
    guard !config.backup.dir.isEmpty else { return nil }
    let log = BackupLog()
    let service = ScheduledBackupService(
        backups: ScheduledBackups(database: database, folder: config.backup.dir, keep: config.backup.keep),
        interval: .milliseconds(Int64(config.backup.intervalHours * 3_600_000)), log: log, logger: logger
    )
    return (service, log)
}

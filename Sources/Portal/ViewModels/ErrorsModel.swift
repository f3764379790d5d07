import Foundation
import Platform

/// `/-/errors`: what failed to load, and the state of the last reload.
struct ErrorsModel: Sendable {
    struct Row: Sendable {
        var file: String
        var line: String
        var reason: String
    }

    var rows: [Row]
    var isEmpty: Bool
    var loadedAt: String
    var buildMilliseconds: String
    var reloadFailure: String?
    var reloadFailedAt: String?
    /// The newest scheduled backup's failure, and the last success.
    var backupFailure: String?
    var backupFailedAt: String?
    var backupSucceededAt: String?
    var backupFile: String?

    init(state: PlatformState.Current, backup: BackupLog.State? = nil) {
        rows = state.snapshot.problems.map { Row(file: $0.file, line: $0.position ?? "", reason: $0.reason) }
        isEmpty = rows.isEmpty
        loadedAt = state.snapshot.loadedAt.formatted(.iso8601)
        buildMilliseconds = String(format: "%.0f", state.snapshot.buildSeconds * 1000)
        reloadFailure = state.reloadFailure?.reason
        reloadFailedAt = state.reloadFailure?.at.formatted(.iso8601)
        backupFailure = backup?.lastFailure?.reason
        backupFailedAt = backup?.lastFailure?.at.formatted(.iso8601)
        backupSucceededAt = backup?.lastSuccess?.formatted(.iso8601)
        backupFile = backup?.lastFile
    }
}

/// The 404 and 500 pages.
struct StatusPageModel: Sendable {
    var heading: String
    var message: String
    var path: String
}

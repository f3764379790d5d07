import Foundation
import GRDB

/// A step of a request that the job runner may retry on its own after a transient failure.
public enum JobStep: String, Sendable, Codable, DatabaseValueConvertible {
    /// Opening (or finding) the pull request through the Git provider.
    case openPullRequest = "open_pr"
}

/// One scheduled retry of a step: why the attempt failed, how long the runner waits, and when
/// it tries again. Rows are kept once settled, as the record of the waits.
public struct StepRetry: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "step_retries"

    public var id: Int64?
    public var requestID: String
    public var step: JobStep
    /// The attempt that failed, from 1; the retry is attempt `attempt + 1` of `maxAttempts`.
    public var attempt: Int
    public var maxAttempts: Int
    public var reason: String
    public var waitSeconds: Double
    /// When this run of the step first failed (the time budget counts from here).
    public var firstFailedAt: Date
    public var failedAt: Date
    public var retryAt: Date
    /// Set once the retry ran to an outcome, or the request left the step; nil while pending.
    public var settledAt: Date?

    public init(
        requestID: String, step: JobStep, attempt: Int, maxAttempts: Int, reason: String, waitSeconds: Double,
        firstFailedAt: Date, failedAt: Date
    ) {
        self.requestID = requestID
        self.step = step
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.reason = reason
        self.waitSeconds = waitSeconds
        self.firstFailedAt = firstFailedAt
        self.failedAt = failedAt
        self.retryAt = failedAt.addingTimeInterval(waitSeconds)
    }

    enum CodingKeys: String, CodingKey {
        case id, step, attempt, reason
        case requestID = "request_id"
        case maxAttempts = "max_attempts"
        case waitSeconds = "wait_seconds"
        case firstFailedAt = "first_failed_at"
        case failedAt = "failed_at"
        case retryAt = "retry_at"
        case settledAt = "settled_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension RequestStore {
    /// Records `retry` as the pending retry of a request still opening its pull request, with an
    /// event saying so, in one transaction; an earlier pending retry is settled. Returns false
    /// (and records nothing) when the request has left `opening_pr` meanwhile (a cancel).
    public func schedule(_ retry: StepRetry, message: String) async throws -> Bool {
        try await pool.write { db in
            guard let request = try AppRequest.fetchOne(db, key: retry.requestID), request.status == .openingPR
            else { return false }
            try db.execute(
                sql: "UPDATE step_retries SET settled_at = ? WHERE request_id = ? AND settled_at IS NULL",
                arguments: [retry.failedAt, retry.requestID])
            var row = retry
            try row.insert(db)
            var event = RequestEvent(
                requestID: retry.requestID, at: retry.failedAt, status: .openingPR, message: message)
            try event.insert(db)
            return true
        }
    }

    /// The retry a request waits for, if any.
    public func pendingRetry(of id: String) async throws -> StepRetry? {
        try await pool.read { db in
            try StepRetry.filter(Column("request_id") == id && Column("settled_at") == nil).order(Column("id").desc)
                .fetchOne(db)
        }
    }

    /// Every retry ever scheduled for a request, oldest first.
    public func retries(of id: String) async throws -> [StepRetry] {
        try await pool.read { db in
            try StepRetry.filter(Column("request_id") == id).order(Column("id")).fetchAll(db)
        }
    }
}

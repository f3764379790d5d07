import Foundation
import GRDB

/// Reads and writes app requests, their events and attempts.
///
/// Every change of a request goes through `transition`, which appends an event in the same
/// transaction and applies only if the request is still in one of the expected states, so a
/// cancel and a running job cannot overwrite each other.
///
/// Every method is `async`: SQLite works on GRDB's own queues, never on a thread of Swift's
/// concurrency pool, and whoever waits for a request to change observes it (`progress(of:)`)
/// rather than reading it again and again.
public struct RequestStore: Sendable {
    let pool: DatabasePool
    /// Moves with every committed change to requests.
    public let changes: RequestChanges

    public init(database: HomeportDatabase) {
        pool = database.pool
        changes = RequestChanges(pool: database.pool)
    }

    // MARK: - Writing

    /// Saves a new request with its first event; fails with `ActiveLimitReached` when `limits`
    /// are reached, and with `AppNameTaken` if another request holds the app name. The limits are
    /// counted in the transaction that inserts, so two submits at once cannot both pass the last slot.
    public func create(
        _ request: AppRequest, message: String, actedBy: String, limits: ActiveLimits? = nil
    ) async throws -> AppRequest {
        try await pool.write { db in
            if let limits {
                guard try Self.active(requestedBy: nil).fetchCount(db) < limits.total else {
                    throw ActiveLimitReached.queue(limit: limits.total)
                }
                if let user = request.requestedBy, try Self.active(requestedBy: user).fetchCount(db) >= limits.perUser {
                    throw ActiveLimitReached.user(user, limit: limits.perUser)
                }
            }
            if let holder = try Self.holder(ofApp: request.appName, db: db) {
                throw AppNameTaken(appName: request.appName, requestID: holder.id)
            }
            try request.insert(db)
            var event = RequestEvent(
                requestID: request.id, at: request.createdAt, status: request.status, message: message, actedBy: actedBy
            )
            try event.insert(db)
            return request
        }
    }

    /// Moves a request to `status` (or keeps its status when nil), applying `change`, if it is in
    /// one of `expected` states; returns the updated request, or nil when it was not.
    @discardableResult
    public func transition(
        _ id: String, from expected: Set<RequestStatus>? = nil, to status: RequestStatus?, message: String,
        actedBy: String = RequestEvent.system, at now: Date = Date(),
        change: @Sendable (inout AppRequest) -> Void = { _ in }
    ) async throws -> AppRequest? {
        try await pool.write { db in
            guard var request = try AppRequest.fetchOne(db, key: id) else { return nil }
            if let expected, !expected.contains(request.status) { return nil }
            if status == .queued, let holder = try Self.holder(ofApp: request.appName, db: db), holder.id != id {
                throw AppNameTaken(appName: request.appName, requestID: holder.id)
            }
            change(&request)
            if let status { request.status = status }
            request.updatedAt = now
            request.finishedAt = request.status.isFinal ? now : nil
            try request.update(db)
            var event = RequestEvent(requestID: id, at: now, status: request.status, message: message, actedBy: actedBy)
            try event.insert(db)
            return request
        }
    }

    /// Takes the oldest queued request of one of `engines` and marks it `generating`; nil when none is queued.
    public func claimNextQueued(engines: Set<String>, at now: Date = Date()) async throws -> AppRequest? {
        try await pool.write { db in
            let queued = AppRequest.filter(
                Column("status") == RequestStatus.queued && engines.contains(Column("engine")))
            guard var request = try queued.order(Column("created_at"), Column("id")).fetchOne(db) else {
                return nil
            }
            request.status = .generating
            request.updatedAt = now
            try request.update(db)
            var event = RequestEvent(
                id: nil, requestID: request.id, at: now, status: .generating,
                message: "Generation started (\(request.engine) engine)")
            try event.insert(db)
            return request
        }
    }

    /// After a crash or restart: requests caught generating or validating go back to the queue;
    /// those caught opening a pull request are returned so that the PR step runs again (providers
    /// reuse the branch and PR, so this never opens a second one).
    public func recoverInterrupted(at now: Date = Date()) async throws -> [AppRequest] {
        let stuck = try await pool.write { db in
            try db.execute(
                sql:
                    "UPDATE generation_attempts SET error = 'interrupted: Homeport stopped during this attempt', finished_at = ? WHERE finished_at IS NULL",
                arguments: [now])
            return try AppRequest.filter(
                [RequestStatus.generating, .validating, .openingPR].contains(Column("status"))
            ).fetchAll(db)
        }
        var openingPR: [AppRequest] = []
        for request in stuck {
            if request.status == .openingPR {
                openingPR.append(request)
                try await appendEvent(
                    request.id, status: .openingPR,
                    message: "Homeport restarted while opening the pull request; opening it again", at: now)
            } else {
                try await transition(
                    request.id, from: [request.status], to: .queued,
                    message: "Homeport restarted during \(request.status.rawValue); queued again", at: now)
            }
        }
        return openingPR
    }

    public func appendEvent(
        _ id: String, status: RequestStatus, message: String, actedBy: String = RequestEvent.system,
        at now: Date = Date()
    ) async throws {
        try await pool.write { db in
            var event = RequestEvent(requestID: id, at: now, status: status, message: message, actedBy: actedBy)
            try event.insert(db)
        }
    }

    public func insert(_ attempt: GenerationAttempt) async throws -> GenerationAttempt {
        try await pool.write { db in
            var attempt = attempt
            try attempt.insert(db)
            return attempt
        }
    }

    /// Saves an attempt as it ended, even when the calling task is cancelled (GRDB refuses work
    /// to a cancelled task): a job stopped by a cancel or a shutdown still records its attempt.
    public func save(_ attempt: GenerationAttempt) async throws {
        try await Task { [pool] in try await pool.write { db in try attempt.update(db) } }.value
    }

    // MARK: - Reading

    public func request(id: String) async throws -> AppRequest? {
        try await pool.read { db in try AppRequest.fetchOne(db, key: id) }
    }

    /// A request with its events and attempts from one read, so that the status shown and the
    /// timeline shown never disagree (a page read them one after the other while the job ran).
    public func history(of id: String) async throws -> (
        request: AppRequest, events: [RequestEvent], attempts: [GenerationAttempt]
    )? {
        try await pool.read { db in
            guard let request = try AppRequest.fetchOne(db, key: id) else { return nil }
            let events = try RequestEvent.filter(Column("request_id") == id).order(Column("id")).fetchAll(db)
            let attempts = try GenerationAttempt.filter(Column("request_id") == id).order(Column("number")).fetchAll(db)
            return (request, events, attempts)
        }
    }

    /// Events of a request in order; after `eventID` when given (to resume a live feed).
    public func events(of id: String, after eventID: Int64? = nil) async throws -> [RequestEvent] {
        try await pool.read { db in
            var query = RequestEvent.filter(Column("request_id") == id)
            if let eventID { query = query.filter(Column("id") > eventID) }
            return try query.order(Column("id")).fetchAll(db)
        }
    }

    public func attempts(of id: String) async throws -> [GenerationAttempt] {
        try await pool.read { db in
            try GenerationAttempt.filter(Column("request_id") == id).order(Column("number")).fetchAll(db)
        }
    }

    /// The request that currently holds an app name (any status but rejected, failed, cancelled, closed).
    public func holder(ofApp appName: String) async throws -> AppRequest? {
        try await pool.read { db in try Self.holder(ofApp: appName, db: db) }
    }

    /// How many requests are in each status (absent statuses are not listed).
    public func countsByStatus() async throws -> [RequestStatus: Int] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM app_requests GROUP BY status")
            return Dictionary(
                uniqueKeysWithValues: rows.compactMap { row in
                    RequestStatus(rawValue: row["status"]).map { ($0, row["n"] as Int) }
                })
        }
    }

    /// Whether the database answers (for `/readyz`).
    public func isAnswering() async -> Bool {
        (try? await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }) == 1
    }

    /// Requests still waiting or in work (queued, generating, validating, opening a PR); only
    /// `requestedBy`'s when given.
    public func activeCount(requestedBy: String? = nil) async throws -> Int {
        try await pool.read { db in try Self.active(requestedBy: requestedBy).fetchCount(db) }
    }

    /// Newest first, filtered, one page.
    public func list(_ query: RequestQuery) async throws -> RequestPage {
        try await pool.read { db in
            var filtered = AppRequest.all()
            if let status = query.status { filtered = filtered.filter(Column("status") == status) }
            if let requestedBy = query.requestedBy { filtered = filtered.filter(Column("requested_by") == requestedBy) }
            if let text = query.text?.lowercased(), !text.isEmpty {
                let pattern = "%\(text)%"
                filtered = filtered.filter(
                    Column("app_name").like(pattern) || Column("id").like(pattern) || Column("spec_json").like(pattern))
            }
            let total = try filtered.fetchCount(db)
            let page = query.clampedPage(total: total)
            let rows = try filtered.order(Column("created_at").desc, Column("id").desc)
                .limit(query.pageSize, offset: (page - 1) * query.pageSize).fetchAll(db)
            return RequestPage(requests: rows, total: total, page: page)
        }
    }

    /// Newest requests whose app name, id or form fields contain every word, for site search.
    /// It runs for every search, so its statement is prepared once per number of words.
    public func search(words: [String], limit: Int = 50) async throws -> [AppRequest] {
        guard !words.isEmpty else { return [] }
        let condition = Array(repeating: "(app_name LIKE ? OR id LIKE ? OR spec_json LIKE ?)", count: words.count)
            .joined(separator: " AND ")
        let sql = "SELECT * FROM app_requests WHERE \(condition) ORDER BY created_at DESC, id DESC LIMIT ?"
        let patterns = words.flatMap { word in Array(repeating: "%\(word)%", count: 3) }
        return try await pool.read { db in
            let arguments = patterns.map { $0 as any DatabaseValueConvertible } + [limit]
            return try AppRequest.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
        }
    }

    // MARK: - Observing

    /// The request's progress now, then after each committed transaction that changed it (its
    /// row, or a new event in its history), until the caller stops iterating; nil while there is
    /// no such request. Between two values the caller may miss intermediate ones, never the last.
    ///
    /// GRDB fetches the value again after each commit touching the requests or their events, on
    /// its reader queue; nothing is read while the database does not change.
    public func progress(of id: String) -> AsyncThrowingStream<RequestProgress?, any Error> {
        let observation = ValueObservation.tracking { db -> RequestProgress? in
            guard let request = try AppRequest.fetchOne(db, key: id) else { return nil }
            let lastEvent = try Int64.fetchOne(
                db, sql: "SELECT max(id) FROM request_events WHERE request_id = ?", arguments: [id])
            return RequestProgress(request: request, lastEventID: lastEvent ?? 0)
        }
        .removeDuplicates()
        return AsyncThrowingStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let cancellable = observation.start(
                in: pool, scheduling: .task, onError: { continuation.finish(throwing: $0) },
                onChange: { continuation.yield($0) })
            continuation.onTermination = { _ in cancellable.cancel() }
        }
    }

    // MARK: - Queries

    /// Requests still waiting or in work (queued, generating, validating, opening a PR).
    private static func active(requestedBy: String?) -> QueryInterfaceRequest<AppRequest> {
        var active = AppRequest.filter(
            [RequestStatus.queued, .generating, .validating, .openingPR].contains(Column("status")))
        if let requestedBy { active = active.filter(Column("requested_by") == requestedBy) }
        return active
    }

    private static func holder(ofApp appName: String, db: Database) throws -> AppRequest? {
        let released = [RequestStatus.rejected, .failed, .cancelled, .closed]
        return try AppRequest.filter(Column("app_name") == appName && !released.contains(Column("status"))).fetchOne(db)
    }
}

public struct RequestQuery: Sendable, Equatable {
    public var status: RequestStatus?
    public var text: String?
    public var requestedBy: String?
    /// The page asked for, from 1; past the last page the last one is shown.
    public var page: Int
    public var pageSize: Int

    /// The largest page number a request may name: far beyond any real history, and small enough
    /// that `page * pageSize` can never overflow.
    public static let maxPage = 1_000_000

    public init(
        status: RequestStatus? = nil, text: String? = nil, requestedBy: String? = nil, page: Int = 1, pageSize: Int = 50
    ) {
        self.status = status
        self.text = text
        self.requestedBy = requestedBy
        self.page = page
        self.pageSize = pageSize
    }
}

extension RequestQuery {
    /// `page` moved into `1...lastPage` for `total` rows. Computed without any product that could
    /// overflow, whatever `page` and `pageSize` hold.
    func clampedPage(total: Int) -> Int {
        let size = max(pageSize, 1)
        let lastPage = max(1, total / size + (total % size == 0 ? 0 : 1))
        return min(max(page, 1), lastPage)
    }
}

public struct RequestPage: Sendable {
    public var requests: [AppRequest]
    public var total: Int
    /// The page shown: the one asked for, clamped to the last.
    public var page: Int
}

/// Where a request is: its row and the id of the newest event of its history (0 when none).
public struct RequestProgress: Sendable, Equatable {
    public var request: AppRequest
    public var lastEventID: Int64
}

/// The most requests that may wait or run at once: in all, and of one signed-in user.
public struct ActiveLimits: Sendable, Equatable {
    public var total: Int
    public var perUser: Int

    public init(total: Int, perUser: Int) {
        self.total = total
        self.perUser = perUser
    }
}

/// A new request was refused because `ActiveLimits` were reached.
public enum ActiveLimitReached: Error, Sendable, Equatable {
    /// `limit` requests in all already wait or run.
    case queue(limit: Int)
    /// This user already has `limit` requests waiting or running.
    case user(String, limit: Int)
}

/// Another request already holds this app name.
public struct AppNameTaken: Error, Sendable, Equatable {
    public var appName: String
    public var requestID: String
}

import Foundation
import GRDB

/// What the forge and Argo CD last said about a request after its pull request opened
/// (`request_follow`, migration 0004).
public struct RequestFollow: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "request_follow"

    public var requestID: String
    /// ETag of the forge's last answer about the pull request, for `If-None-Match`.
    public var prETag: String?
    public var mergeCommit: String?
    public var mergedAt: Date?
    public var closedAt: Date?
    /// The Argo CD Application that deploys the app.
    public var argoApp: String?
    /// Argo CD's newest message about the app's resources.
    public var argoMessage: String?
    public var checkedAt: Date?

    public init(requestID: String) {
        self.requestID = requestID
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case prETag = "pr_etag"
        case mergeCommit = "merge_commit"
        case mergedAt = "merged_at"
        case closedAt = "closed_at"
        case argoApp = "argo_app"
        case argoMessage = "argo_message"
        case checkedAt = "checked_at"
    }
}

extension RequestStore {
    /// Requests in one of `statuses` with what was last followed of them, oldest first.
    public func followed(in statuses: Set<RequestStatus>) async throws -> [(
        request: AppRequest, follow: RequestFollow?
    )] {
        try await pool.read { db in
            let requests = try AppRequest.filter(statuses.contains(Column("status")))
                .order(Column("created_at"), Column("id")).fetchAll(db)
            let follows = try RequestFollow.filter(requests.map(\.id).contains(Column("request_id"))).fetchAll(db)
            let byID = Dictionary(follows.map { ($0.requestID, $0) }, uniquingKeysWith: { first, _ in first })
            return requests.map { ($0, byID[$0.id]) }
        }
    }

    /// The request whose pull request comes from `branch` (branches are unique per request).
    public func request(branch: String) async throws -> AppRequest? {
        try await pool.read { db in try AppRequest.filter(Column("branch") == branch).fetchOne(db) }
    }

    public func follow(of id: String) async throws -> RequestFollow? {
        try await pool.read { db in try RequestFollow.fetchOne(db, key: id) }
    }

    /// Saves what was followed without changing the request (a 304, an unchanged state).
    public func saveFollow(_ follow: RequestFollow) async throws {
        try await pool.write { db in try follow.upsert(db) }
    }

    /// News from the forge or Argo CD: moves the request from one of `expected` to `status` with
    /// an event naming `source`, and saves `follow`, in one transaction; nil when the request was
    /// no longer in an expected state (a user's retry won the race).
    @discardableResult
    public func record(
        _ id: String, from expected: Set<RequestStatus>, to status: RequestStatus, message: String, source: String,
        follow: RequestFollow, at now: Date = Date(), change: @Sendable (inout AppRequest) -> Void = { _ in }
    ) async throws -> AppRequest? {
        try await pool.write { db in
            guard var request = try AppRequest.fetchOne(db, key: id), expected.contains(request.status) else {
                return nil
            }
            change(&request)
            request.status = status
            request.updatedAt = now
            request.finishedAt = status.isFinal ? now : nil
            try request.update(db)
            var event = RequestEvent(requestID: id, at: now, status: status, message: message, actedBy: nil)
            event.source = source
            try event.insert(db)
            try follow.upsert(db)
            return request
        }
    }
}

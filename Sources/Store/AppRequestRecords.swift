import Foundation
import GRDB
import RequestValues

/// Where a request is in its life (DESIGN.md, "Request states").
public enum RequestStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case queued, generating, validating, ready
    case openingPR = "opening_pr"
    case prOpened = "pr_opened"
    /// After `pr_opened`, as the forge and Argo CD report it (the request follower): the pull
    /// request was merged; closed unmerged (the app name is free again); Argo CD runs the app
    /// Synced and Healthy; Argo CD reports it Degraded or Missing long after the merge.
    case merged, closed, deployed, degraded
    case rejected, failed, cancelled

    /// No more work will happen without a user's action (the follower's states change only
    /// with news from the forge or Argo CD).
    public var isFinal: Bool {
        switch self {
        case .ready, .prOpened, .merged, .closed, .deployed, .degraded, .rejected, .failed, .cancelled: return true
        case .queued, .generating, .validating, .openingPR: return false
        }
    }

    /// Retry moves these back to `queued`; a closed request opens a new pull request from the
    /// manifests it kept.
    public var isRetryable: Bool { self == .failed || self == .rejected || self == .cancelled || self == .closed }

    /// The states the request follower watches for news (a closed pull request may be reopened).
    public static let followed: Set<RequestStatus> = [.prOpened, .merged, .degraded, .closed]

    /// Cancel stops these.
    public var isCancellable: Bool { !isFinal || self == .ready }
}

/// One app request row.
public struct AppRequest: Sendable, Codable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "app_requests"

    public var id: String
    public var appName: String
    public var engine: String
    public var model: String?
    public var status: RequestStatus
    public var source: String
    /// What was asked for (`spec_json`).
    public var storedSpec: JSONColumn<AppSpec>
    public var feedback: String?
    public var autoPR: Bool
    public var manifest: String?
    /// The files of the pull request (`files_json`); nil until the manifests passed the policy.
    public var storedFiles: JSONColumn<[ProposedFile]>?
    /// The policy's findings (`findings_json`); nil until the manifests were checked.
    public var storedFindings: JSONColumn<[PolicyFinding]>?
    public var failureReason: String?
    public var branch: String?
    public var prURL: String?
    public var prNumber: Int?
    public var commitSHA: String?
    public var diff: String?
    public var requestedBy: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, engine, model, status, source, feedback, manifest, branch, diff
        case appName = "app_name"
        case storedSpec = "spec_json"
        case autoPR = "auto_pr"
        case storedFiles = "files_json"
        case storedFindings = "findings_json"
        case failureReason = "failure_reason"
        case prURL = "pr_url"
        case prNumber = "pr_number"
        case commitSHA = "commit_sha"
        case requestedBy = "requested_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case finishedAt = "finished_at"
    }

    public init(
        id: String, appName: String, engine: String, model: String?, source: String, spec: AppSpec,
        autoPR: Bool, requestedBy: String?, at: Date
    ) {
        self.id = id
        self.appName = appName
        self.engine = engine
        self.model = model
        self.status = .queued
        self.source = source
        self.storedSpec = JSONColumn(spec)
        self.autoPR = autoPR
        self.requestedBy = requestedBy
        self.createdAt = at
        self.updatedAt = at
    }
}

// The JSON columns read with their types; a value that does not decode throws, naming the column.
extension AppRequest {
    public func spec() throws(StoredColumnError) -> AppSpec {
        try storedSpec.value(column: "spec")
    }

    public func files() throws(StoredColumnError) -> [ProposedFile]? {
        try storedFiles?.value(column: "file list")
    }

    public func findings() throws(StoredColumnError) -> [PolicyFinding] {
        try storedFindings?.value(column: "policy findings") ?? []
    }
}

/// One line of a request's history; never changed once written.
public struct RequestEvent: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "request_events"

    public var id: Int64?
    public var requestID: String
    public var at: Date
    public var status: RequestStatus
    public var message: String
    /// Who caused it: a user or token name, `anonymous`, or `homeport` (the job runner itself);
    /// nil for events older than the column.
    public var actedBy: String?
    /// Where the news came from when the forge or Argo CD reported it (`github webhook`,
    /// `gitea poll`, `git`, `argocd`); nil for what Homeport or a user did.
    public var source: String? = nil

    /// The actor of what the job runner does on its own.
    public static let system = "homeport"

    public init(
        id: Int64? = nil, requestID: String, at: Date, status: RequestStatus, message: String,
        actedBy: String? = RequestEvent.system
    ) {
        self.id = id
        self.requestID = requestID
        self.at = at
        self.status = status
        self.message = message
        self.actedBy = actedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, at, status, message, source
        case requestID = "request_id"
        case actedBy = "actor"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Why a generator was called.
public enum AttemptPurpose: String, Sendable, Codable, DatabaseValueConvertible {
    /// The first draft of the manifests.
    case draft
    /// The draft again, with the policy's problems sent back to the model.
    case repair
    /// The intent engine's reading of the description (structured output, a JSON object).
    case intent
}

/// One call to a generator: what was sent, what came back, how long it took.
public struct GenerationAttempt: Sendable, Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "generation_attempts"

    public var id: Int64?
    public var requestID: String
    public var number: Int
    public var purpose: AttemptPurpose
    public var engine: String
    public var model: String?
    /// The messages sent (`prompt`); none for the template engine, which asks no model.
    public var prompt: JSONColumn<[PromptMessage]>
    public var rawOutput: String
    public var error: String?
    public var promptTokens: Int?
    public var outputTokens: Int?
    public var startedAt: Date
    public var finishedAt: Date?
    public var durationMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case id, number, purpose, engine, model, prompt, error
        case requestID = "request_id"
        case rawOutput = "raw_output"
        case promptTokens = "prompt_tokens"
        case outputTokens = "output_tokens"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationMilliseconds = "duration_ms"
    }

    public init(
        requestID: String, number: Int, purpose: AttemptPurpose, engine: String, model: String?,
        prompt: [PromptMessage], startedAt: Date
    ) {
        self.requestID = requestID
        self.number = number
        self.purpose = purpose
        self.engine = engine
        self.model = model
        self.prompt = JSONColumn(prompt)
        self.rawOutput = ""
        self.startedAt = startedAt
    }

    public func messages() throws(StoredColumnError) -> [PromptMessage] {
        try prompt.value(column: "prompt")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

import Foundation
import Manifests
import Provisioning
import RequestValues
import SiteURL
import Store

/// A request as the API shows it (`AppRequest` in openapi.json). Lists carry the summary; one
/// request also carries its spec, output and history. Absent values are left out, not null.
struct AppRequestResource: Encodable {
    var id: String
    var appName: String
    var status: RequestStatus
    var engine: String
    var model: String?
    var source: String
    var autoPR: Bool
    var createdAt: String
    var updatedAt: String
    var finishedAt: String?
    var requestedBy: String?
    var prURL: String?
    var branch: String?
    var failureReason: String?
    /// The API's address of the request and its page's.
    var url: String
    var page: String

    // The details, for one request.
    var spec: AppSpec?
    var manifest: String?
    var commit: String?
    var prNumber: Int?
    // After the pull request: what the forge and Argo CD said.
    var mergeCommit: String?
    var mergedAt: String?
    var closedAt: String?
    var argoApp: String?
    var argoMessage: String?
    var findings: [PolicyFinding]?
    var events: [Event]?
    var attempts: [Attempt]?

    struct Event: Encodable {
        var at: String
        var status: RequestStatus
        var message: String
        var actor: String?
        /// Where a change came from: `forge`, `webhook`, `argocd`; absent for Homeport's own steps.
        var source: String?
    }

    struct Attempt: Encodable {
        var number: Int
        var purpose: AttemptPurpose
        var engine: String
        var model: String?
        var prompt: String
        var rawOutput: String
        var error: String?
        var promptTokens: Int?
        var outputTokens: Int?
        var durationMilliseconds: Int?

        enum CodingKeys: String, CodingKey {
            case number, purpose, engine, model, prompt
            case rawOutput = "raw_output"
            case error
            case promptTokens = "prompt_tokens"
            case outputTokens = "output_tokens"
            case durationMilliseconds = "duration_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case appName = "app_name"
        case status, engine, model, source
        case autoPR = "auto_pr"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case finishedAt = "finished_at"
        case requestedBy = "requested_by"
        case prURL = "pr_url"
        case branch
        case failureReason = "failure_reason"
        case url, page, spec, manifest, commit
        case prNumber = "pr_number"
        case mergeCommit = "merge_commit"
        case mergedAt = "merged_at"
        case closedAt = "closed_at"
        case argoApp = "argo_app"
        case argoMessage = "argo_message"
        case findings, events, attempts
    }

    /// The summary, as lists show it.
    init(summary row: AppRequest) {
        id = row.id
        appName = row.appName
        status = row.status
        engine = row.engine
        model = row.model
        source = row.source
        autoPR = row.autoPR
        createdAt = Formats.time(row.createdAt)
        updatedAt = Formats.time(row.updatedAt)
        finishedAt = row.finishedAt.map(Formats.time)
        requestedBy = row.requestedBy
        prURL = row.prURL
        branch = row.branch
        failureReason = row.failureReason
        url = SiteURL.apiRequest(id: row.id).path
        page = SiteURL.request(id: row.id).path
    }

    /// The whole request: the summary, the spec it was submitted with, its output and history.
    init(_ row: AppRequest, events: [RequestEvent], attempts: [GenerationAttempt], follow: RequestFollow?) {
        self.init(summary: row)
        // A row whose columns do not decode shows without them; the job chain fails such a request with the reason.
        spec = try? row.spec()
        manifest = row.manifest
        commit = row.commitSHA
        prNumber = row.prNumber
        if let follow {
            mergeCommit = follow.mergeCommit
            mergedAt = follow.mergedAt.map(Formats.time)
            closedAt = row.status == .closed ? follow.closedAt.map(Formats.time) : nil
            argoApp = follow.argoApp
            argoMessage = follow.argoMessage
        }
        findings = row.storedFindings == nil ? nil : (try? row.findings()) ?? []
        self.events = events.map {
            Event(at: Formats.time($0.at), status: $0.status, message: $0.message, actor: $0.actedBy, source: $0.source)
        }
        self.attempts = attempts.map { attempt in
            Attempt(
                number: attempt.number, purpose: attempt.purpose, engine: attempt.engine, model: attempt.model,
                prompt: attempt.prompt.json, rawOutput: attempt.rawOutput, error: attempt.error,
                promptTokens: attempt.promptTokens, outputTokens: attempt.outputTokens,
                durationMilliseconds: attempt.durationMilliseconds)
        }
    }
}

/// `GET /api/v1/requests`: a page of requests, newest first.
struct AppRequestPage: Encodable {
    var requests: [AppRequestResource]
    var total: Int
    var page: Int
    var pageSize: Int

    enum CodingKeys: String, CodingKey {
        case requests, total, page
        case pageSize = "page_size"
    }
}

/// `POST /generate/manifest`'s answer: the seed's four fields and the request's id.
struct GeneratedManifest: Encodable {
    var prURL: String
    var branch: String
    var manifest: String
    var appName: String
    var requestID: String

    enum CodingKeys: String, CodingKey {
        case prURL = "pr_url"
        case branch, manifest
        case appName = "app_name"
        case requestID = "request_id"
    }
}

import Foundation
import Manifests
import Provisioning
import RequestValues
import SiteURL
import Store

/// A request's status as a badge.
struct StatusBadge: Sendable {
    var label: String
    var cssClass: String

    init(_ status: RequestStatus) {
        label = status.rawValue.replacingOccurrences(of: "_", with: " ")
        switch status {
        case .prOpened, .ready, .merged, .deployed: cssClass = "status-accepted"
        case .rejected, .failed, .degraded: cssClass = "status-rejected"
        case .cancelled, .closed: cssClass = "status-superseded"
        case .queued, .generating, .validating, .openingPR: cssClass = "status-proposed"
        }
    }
}

/// A pull request's address: a link for a forge, plain text for the local `git` provider's
/// `<repository path>#<branch>`, which no browser can open.
struct PullRequestLink: Sendable {
    var text: String
    /// Not named `href`: for a local repository it is nil, and Mustache would then look further up
    /// its context stack and link the text to the request list row's own page.
    var forgeURL: String?

    init(_ url: String) {
        text = url
        forgeURL = url.hasPrefix("https://") || url.hasPrefix("http://") ? url : nil
    }
}

enum Formats {
    static func time(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(
                .colon))
    }

    /// "0.4 s", "2 min 05 s"; nil while there is no end (nothing to show rather than an empty label).
    static func duration(from start: Date, to end: Date?) -> String? {
        guard let end else { return nil }
        return duration(seconds: end.timeIntervalSince(start))
    }

    static func duration(seconds: Double) -> String {
        seconds < 60
            ? String(format: "%.1f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }
}

/// `/requests`: the history, filtered and paged.
struct RequestListModel: Sendable {
    struct Row: Sendable {
        var id: String
        var href: String
        var appName: String
        var badge: StatusBadge
        var engine: String
        var requestedBy: String
        var createdAt: String
        var duration: String?
        var pullRequest: PullRequestLink?
    }

    struct StatusOption: Sendable {
        var value: String
        var selected: Bool
    }

    var rows: [Row]
    var total: Int
    var isEmpty: Bool
    var text: String
    var statuses: [StatusOption]
    var page: Int
    var pageCount: Int
    var previousHref: String?
    var nextHref: String?
    /// The "only mine" box is ticked.
    var mine: Bool
    /// Shown when `?mine=1` was asked but nobody is signed in.
    var mineNotice: String?

    init(page: RequestPage, query: RequestQuery, mineAsked: Bool = false, user: String? = nil) {
        mine = query.requestedBy != nil
        mineNotice =
            mineAsked && user == nil
            ? "Homeport does not know who you are (nobody is signed in), so every request is listed." : nil
        rows = page.requests.map { request in
            Row(
                id: request.id, href: SiteURL.request(id: request.id).path, appName: request.appName,
                badge: StatusBadge(request.status),
                engine: request.model.map { "\(request.engine) · \($0)" } ?? request.engine,
                requestedBy: request.requestedBy ?? "anonymous", createdAt: Formats.time(request.createdAt),
                duration: Formats.duration(from: request.createdAt, to: request.finishedAt),
                pullRequest: request.prURL.map(PullRequestLink.init))
        }
        total = page.total
        isEmpty = page.total == 0
        text = query.text ?? ""
        statuses = RequestStatus.allCases.map { StatusOption(value: $0.rawValue, selected: $0 == query.status) }
        let current = page.page
        self.page = current
        pageCount = max(1, (page.total + query.pageSize - 1) / query.pageSize)
        func link(_ number: Int) -> String {
            SiteURL.requests.with(
                [
                    ("status", query.status?.rawValue), ("q", query.text),
                    ("mine", query.requestedBy == nil ? nil : "1"),
                    ("page", number > 1 ? String(number) : nil),
                ])
        }
        previousHref = current > 1 ? link(current - 1) : nil
        nextHref = current < pageCount ? link(current + 1) : nil
    }
}

/// `/requests/{id}`: everything about one request.
struct RequestPageModel: Sendable {
    struct Event: Sendable {
        var at: String
        var badge: StatusBadge
        var message: String
        /// Who caused it, when a person or a token did; nil for the job runner's own steps (the
        /// API still says `homeport`) and for events older than the record of it.
        var actedBy: String?
        /// Where the news came from (`github webhook`, `argocd`), for what the forge or Argo CD reported.
        /// Not named `source`: for an event without one, Mustache would look further up its context
        /// stack and show the request's own source ("from form") on every step of the job runner.
        var reporter: String?
    }

    struct Attempt: Sendable {
        var number: Int
        var purpose: String
        var engine: String
        /// Nil when not recorded, as `tokens` is: the summary then leaves them out.
        var duration: String?
        var tokens: String?
        var error: String?
        var rawOutput: String
        var prompt: String
    }

    struct Finding: Sendable {
        var severity: String
        var isError: Bool
        var place: String
        var message: String
    }

    var id: String
    var appName: String
    var badge: StatusBadge
    var engine: String
    var source: String
    var requestedBy: String
    var createdAt: String
    var duration: String?
    var prompt: String
    var feedback: String?
    /// The regenerate form: its limit, and the text and message when the server refused it.
    var feedbackLimit = AppSpecValidator.maxPromptLength
    var feedbackDraft = ""
    var feedbackError: String?
    var failureReason: String?
    /// While the pull request step waits to be tried again after a transient failure of the forge:
    /// "Pull request: retrying at 14:05 (attempt 3 of 8): GitHub answered 503…".
    var retrying: String?
    var events: [Event]
    var attempts: [Attempt]
    var hasAttempts: Bool
    /// The manifests, highlighted (`SourceHighlight` escapes every piece of text).
    var manifestHTML: String?
    var findings: [Finding]
    var hasFindings: Bool
    var pullRequest: PullRequestLink?
    var branch: String?
    var commit: String?
    /// The pull request's diff, highlighted; it replaces the manifests once there is one.
    var diffHTML: String?
    var isLive: Bool
    var liveOutput: String
    var lastEventID: String
    var canRetry: Bool
    var canCancel: Bool
    var canOpenPR: Bool
    /// Feedback is offered to the model engine only: the template engine drafts from the form's
    /// fields alone and would ignore it.
    var canRegenerate: Bool
    /// A settled template request: says how to change it instead.
    var templateCannotRegenerate: Bool
    var isPreview: Bool
    /// Drafted → pull request → merged → live, once the request reached its pull request.
    var journey = RequestJourneyModel()

    init(request: AppRequest, events: [RequestEvent], attempts: [GenerationAttempt], liveOutput: String?) {
        let spec = try? request.spec()
        id = request.id
        appName = request.appName
        badge = StatusBadge(request.status)
        engine = request.model.map { "\(request.engine) · \($0)" } ?? request.engine
        source = request.source
        requestedBy = request.requestedBy ?? "anonymous"
        createdAt = Formats.time(request.createdAt)
        duration = Formats.duration(from: request.createdAt, to: request.finishedAt)
        prompt = spec?.prompt ?? ""
        feedback = request.feedback
        failureReason = request.failureReason
        self.events = events.map {
            Event(
                at: Formats.time($0.at), badge: StatusBadge($0.status), message: $0.message,
                actedBy: $0.actedBy == RequestEvent.system ? nil : $0.actedBy, reporter: $0.source)
        }
        self.attempts = attempts.map { attempt in
            let tokens = [attempt.promptTokens.map { "\($0) prompt" }, attempt.outputTokens.map { "\($0) output" }]
                .compactMap { $0 }
            return Attempt(
                number: attempt.number, purpose: attempt.purpose.rawValue,
                engine: attempt.model.map { "\(attempt.engine) · \($0)" } ?? attempt.engine,
                duration: attempt.durationMilliseconds.map { Formats.duration(seconds: Double($0) / 1000) },
                tokens: tokens.isEmpty ? nil : tokens.joined(separator: ", "),
                error: attempt.error, rawOutput: attempt.rawOutput, prompt: Self.readablePrompt(attempt))
        }
        hasAttempts = !attempts.isEmpty
        manifestHTML = request.manifest.map(SourceHighlight.yaml)
        // A row whose columns do not decode shows without them; the job chain fails such a request with the reason.
        findings = ((try? request.findings()) ?? []).map { finding in
            Finding(
                severity: finding.severity.rawValue, isError: finding.severity == .error,
                place: [finding.object, finding.path].filter { !$0.isEmpty }.joined(separator: " "),
                message: finding.message)
        }
        hasFindings = !findings.isEmpty
        pullRequest = request.prURL.map(PullRequestLink.init)
        branch = request.branch
        commit = request.commitSHA
        diffHTML = request.diff.map(SourceHighlight.diff)
        isLive = !request.status.isFinal || (request.status == .ready && request.autoPR)
        self.liveOutput = liveOutput ?? ""
        lastEventID = events.last?.id.map { "e\($0)" } ?? "e0"
        canRetry = request.status.isRetryable
        canCancel = request.status.isCancellable
        canOpenPR = request.status == .ready
        let settled = [.ready, .rejected, .failed].contains(request.status)
        canRegenerate = settled && request.engine != AppSpec.Engine.template.rawValue
        templateCannotRegenerate = settled && !canRegenerate
        isPreview = request.status == .ready
    }

    /// The messages sent to the model, as "role: content" blocks.
    static func readablePrompt(_ attempt: GenerationAttempt) -> String {
        // Rows written before the column held messages only (the template's) keep their text.
        guard let messages = try? attempt.messages() else { return attempt.prompt.json }
        if messages.isEmpty { return "(template engine: the form's fields)" }
        return messages.map { "[\($0.role)]\n\($0.content)" }.joined(separator: "\n\n")
    }
}

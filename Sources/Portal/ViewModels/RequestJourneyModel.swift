import Foundation
import Platform
import SiteURL
import Store

/// The whole path of a request on its page: drafted → pull request → merged → live, each step
/// done, current, failed or still ahead, with links to where it happened.
struct RequestJourneyModel: Sendable {
    struct Step: Sendable {
        var label: String
        /// `done`, `current`, `failed` or `ahead`: the badge and the words read by screen readers.
        var state: String
        var cssClass: String
        var detail: String?
        var linkText: String?
        var href: String?
    }

    var steps: [Step] = []
    /// Shown once the request has a pull request: before that its status says it all.
    var shown = false
    var mergeCommit: String?
    var argoApp: String?
    var argoMessage: String?

    init() {}

    /// - Parameters:
    ///   - argoURL: Argo CD's web address, for a link to its application; nil when not configured.
    ///   - catalog: the current catalog, which lists the new app once the merged change is loaded.
    init(request: AppRequest, follow: RequestFollow?, argoURL: String?, catalog: Catalog) {
        let status = request.status
        guard request.prURL != nil else { return }
        shown = true
        mergeCommit = follow?.mergeCommit
        argoApp = follow?.argoApp
        argoMessage = follow?.argoMessage
        let drafting: Set<RequestStatus> = [.queued, .generating, .validating]
        let merged: Set<RequestStatus> = [.merged, .deployed, .degraded]

        let drafted: String =
            drafting.contains(status)
            ? "current"
            : (request.manifest == nil && [.rejected, .failed, .cancelled].contains(status)) ? "failed" : "done"
        let pullState: String
        switch status {
        case .prOpened, .merged, .deployed, .degraded: pullState = status == .prOpened ? "current" : "done"
        case .closed: pullState = "failed"
        case .ready, .openingPR: pullState = "current"
        case .failed, .cancelled, .rejected: pullState = request.manifest == nil ? "ahead" : "failed"
        default: pullState = "ahead"
        }
        let pull = request.prURL.map(PullRequestLink.init)
        let entity = EntityRef(kind: "component", name: request.appName)
        steps = [
            Self.step("Drafted", drafted),
            Self.step(
                "Pull request", pullState, detail: status == .closed ? "closed without merging" : nil,
                linkText: pull?.forgeURL == nil
                    ? pull?.text : "pull request\(request.prNumber.map { " #\($0)" } ?? "")",
                href: pull?.forgeURL),
            Self.step(
                "Merged", merged.contains(status) ? "done" : "ahead",
                linkText: follow?.mergeCommit.map { "commit \($0.prefix(12))" },
                href: follow?.mergeCommit.flatMap { Self.commitURL(pullRequest: request.prURL, commit: $0) }),
            Self.step(
                "Live",
                status == .deployed ? "done" : status == .degraded ? "failed" : status == .merged ? "current" : "ahead",
                detail: status == .degraded || status == .merged ? follow?.argoMessage : nil,
                linkText: follow?.argoApp.map { "Argo CD application \($0)" },
                href: follow?.argoApp.flatMap { app in argoURL.map { "\($0)/applications/\(app)" } }),
        ]
        if status == .deployed || catalog[entity] != nil {
            steps.append(
                Self.step(
                    "In the catalog", catalog[entity] != nil ? "done" : "ahead",
                    detail: catalog[entity] == nil ? "listed once the platform reloads the merged files" : nil,
                    linkText: catalog[entity] != nil ? entity.description : nil,
                    href: catalog[entity].map { SiteURL.entity($0.ref.site).path }))
        }
    }

    private static func step(
        _ label: String, _ state: String, detail: String? = nil, linkText: String? = nil, href: String? = nil
    ) -> Step {
        let css =
            switch state {
            case "done": "status-accepted"
            case "current": "status-proposed"
            case "failed": "status-rejected"
            default: "status-superseded"
            }
        return Step(label: label, state: state, cssClass: css, detail: detail, linkText: linkText, href: href)
    }

    /// The forge's page of a commit, from its pull request's address: GitHub's `…/pull/7` and
    /// Gitea's `…/pulls/7` become `…/commit/<sha>`. Nil for the local repository.
    static func commitURL(pullRequest: String?, commit: String) -> String? {
        guard let pullRequest, pullRequest.hasPrefix("https://") || pullRequest.hasPrefix("http://") else {
            return nil
        }
        for marker in ["/pull/", "/pulls/"] {
            if let range = pullRequest.range(of: marker, options: .backwards) {
                return "\(pullRequest[..<range.lowerBound])/commit/\(commit)"
            }
        }
        return nil
    }
}

/// The overview's requests in review, merged, live and degraded, each a link to the filtered list.
struct RequestCountsModel: Sendable {
    struct Count: Sendable {
        var label: String
        var count: Int
        var href: String
    }

    var counts: [Count]

    init(_ byStatus: [RequestStatus: Int]) {
        counts = [
            ("in review", RequestStatus.prOpened), ("merged", .merged), ("live", .deployed), ("degraded", .degraded),
        ].map { label, status in
            Count(
                label: label, count: byStatus[status] ?? 0,
                href: SiteURL.requests.with([("status", status.rawValue)]))
        }
    }
}

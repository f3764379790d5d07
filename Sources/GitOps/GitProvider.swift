import RequestValues

/// Opens pull requests on the GitOps repository. One protocol, three implementations:
/// `GitCLIProvider` (a local repository through the real `git`), `GitHubProvider` (REST v3) and
/// `GiteaProvider` (REST v1).
///
/// Implementations are idempotent per branch: opening the same draft again (a retry after a crash
/// or a failure) finds and reuses the branch and the pull request instead of opening a second one.
public protocol GitProvider: Sendable {
    func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult

    /// Where an opened pull request stands (open, merged, closed), asked conditionally: with the
    /// `etag` of the previous answer, `.unchanged` when nothing moved (`PullRequestState.swift`).
    func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
}

/// What to propose: files on a new branch, and the pull request text.
public struct PullRequestDraft: Sendable, Equatable {
    public typealias File = ProposedFile

    /// `homeport/<app>-<short id>`.
    public var branch: String
    public var baseBranch: String
    public var files: [File]
    public var commitMessage: String
    public var title: String
    public var body: String

    public init(branch: String, baseBranch: String, files: [File], commitMessage: String, title: String, body: String) {
        self.branch = branch
        self.baseBranch = baseBranch
        self.files = files
        self.commitMessage = commitMessage
        self.title = title
        self.body = body
    }
}

/// The opened (or found) pull request.
public struct PullRequestResult: Sendable, Equatable, Codable {
    /// Web address of the pull request; for the local `git` provider, `<absolute repository path>#<branch>`
    /// (`/var/lib/homeport/platform#homeport/web-1a2b3c`).
    public var url: String
    public var number: Int?
    public var branch: String
    /// The commit that holds the files.
    public var commit: String?
    /// Unified diff of the change, when the provider can produce it (the `git` provider).
    public var diff: String?
    /// True when an earlier attempt had already opened it.
    public var reused: Bool

    public init(url: String, number: Int?, branch: String, commit: String?, diff: String?, reused: Bool) {
        self.url = url
        self.number = number
        self.branch = branch
        self.commit = commit
        self.diff = diff
        self.reused = reused
    }
}

/// Why a pull request could not be opened, classified so that the request gets a clear state.
public struct GitProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// 401: the token is missing, wrong or expired.
        case unauthorized
        /// 403 (not rate limiting): the token lacks a permission.
        case forbidden
        /// 404: the repository or base branch does not exist (or the token cannot see it).
        case notFound
        /// 429, or 403 with exhausted rate-limit headers.
        case rateLimited
        /// 5xx, a timeout or a failed connection, after the quick in-process retries.
        case upstream
        /// The upstream answered something we do not understand.
        case invalidResponse
        /// The local `git` command failed.
        case git
        /// Configuration is missing or wrong (no token, bad repository name).
        case configuration
    }

    public var kind: Kind
    /// Human-readable reason; never contains a token.
    public var message: String
    /// For `rateLimited`: seconds until the limit resets, when the upstream said (for GitHub's
    /// secondary limit without `Retry-After`, the minute GitHub asks clients to wait).
    public var retryAfter: Double?
    /// Trying the same step again later may succeed without anyone changing anything (the forge
    /// was down, slow or busy), so the job is rescheduled instead of failed. False for what a
    /// person must fix: a token, a permission, a repository name, a certificate.
    public var isTransient: Bool

    /// `isTransient` defaults to true for `upstream` and `rateLimited`, false for every other kind.
    public init(kind: Kind, message: String, retryAfter: Double? = nil, isTransient: Bool? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
        self.isTransient = isTransient ?? (kind == .upstream || kind == .rateLimited)
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

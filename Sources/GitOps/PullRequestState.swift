import Foundation
import HTTPClient

/// Which pull request to ask about: the forges know it by number, the local `git` provider by
/// its branch (and the commit Homeport made, to tell a merge from a deletion once the branch is gone).
public struct PullRequestReference: Sendable, Equatable {
    public var number: Int?
    public var branch: String
    public var baseBranch: String
    public var commit: String?

    public init(number: Int?, branch: String, baseBranch: String, commit: String?) {
        self.number = number
        self.branch = branch
        self.baseBranch = baseBranch
        self.commit = commit
    }
}

/// Where a pull request stands on the forge.
public struct PullRequestState: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case open, merged, closed
    }

    public var phase: Phase
    /// The commit that brought the change onto the base branch (merged only).
    public var mergeCommit: String?
    /// When it was merged or closed, when the forge says.
    public var changedAt: Date?
    /// Who merged it, when the forge says.
    public var mergedBy: String?

    public init(phase: Phase, mergeCommit: String? = nil, changedAt: Date? = nil, mergedBy: String? = nil) {
        self.phase = phase
        self.mergeCommit = mergeCommit
        self.changedAt = changedAt
        self.mergedBy = mergedBy
    }
}

/// The answer to a conditional look at a pull request.
public enum PullRequestObservation: Sendable, Equatable {
    /// Nothing changed since the answer that carried the ETag sent (304 Not Modified).
    case unchanged
    /// The current state and the validator to send next time.
    case changed(PullRequestState, etag: String?)
}

extension GitProvider {
    /// Providers that cannot follow a pull request say so.
    public func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
    {
        throw GitProviderError(kind: .configuration, message: "this Git provider cannot report pull request states")
    }
}

/// `GET /repos/{o}/{r}/pulls/{n}` as GitHub and Gitea answer it, and as both put it in their
/// `pull_request` webhooks (only the fields Homeport reads).
public struct ForgePullStatus: Decodable, Sendable {
    public struct Branch: Decodable, Sendable {
        public var ref: String
    }

    public struct User: Decodable, Sendable {
        public var login: String?
    }

    public var number: Int
    /// `open` or `closed`.
    public var state: String
    public var merged: Bool?
    public var mergeCommitSHA: String?
    public var mergedAt: String?
    public var closedAt: String?
    public var mergedBy: User?
    public var head: Branch
    public var base: Branch

    private enum CodingKeys: String, CodingKey {
        case number, state, merged, head, base
        case mergeCommitSHA = "merge_commit_sha"
        case mergedAt = "merged_at"
        case closedAt = "closed_at"
        case mergedBy = "merged_by"
    }

    /// Open, merged (with its commit) or closed unmerged.
    public var current: PullRequestState {
        if state == "open" {
            return PullRequestState(phase: .open)
        }
        // GitHub fills `merged_at` even where a list answer leaves `merged` out.
        if merged == true || mergedAt != nil {
            return PullRequestState(
                phase: .merged, mergeCommit: mergeCommitSHA, changedAt: mergedAt.flatMap(parseTimestamp),
                mergedBy: mergedBy?.login)
        }
        return PullRequestState(phase: .closed, changedAt: closedAt.flatMap(parseTimestamp))
    }
}

extension RESTClient {
    /// `GET /repos/{o}/{r}/pulls/{n}` with `If-None-Match`: GitHub does not count a 304 against
    /// the rate limit, and Gitea answers it as cheaply.
    func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
    {
        guard let number = pull.number else {
            throw GitProviderError(
                kind: .invalidResponse, message: "no pull request number recorded for branch \(pull.branch)")
        }
        let path = repoPath("pulls", String(number))
        let conditional = etag.map { [(name: "If-None-Match", value: $0)] } ?? []
        let response = try await send("GET", path, passing: [304], extraHeaders: conditional)
        if response.status == 304 {
            return .unchanged
        }
        let pull = try decode(ForgePullStatus.self, from: response, of: "GET \(path)")
        return .changed(pull.current, etag: response.header("ETag"))
    }
}

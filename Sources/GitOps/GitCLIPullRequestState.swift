import Foundation
import HTTPClient

extension GitCLIProvider {
    /// Where a branch of the local repository stands: merged once its commit is in the base
    /// branch (`git merge-base --is-ancestor`), closed once the branch is deleted unmerged, else
    /// open. The "ETag" is the pair of commits the answer rests on, so an unchanged repository
    /// answers `.unchanged` as a forge's 304 would.
    ///
    /// The merge commit is the first commit of the base branch that descends from the branch's
    /// (`git rev-list --ancestry-path --first-parent`), or the branch's own commit after a
    /// fast-forward.
    public func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
    {
        let base = try await head("refs/heads/\(pull.baseBranch)")
        let tip = try await head("refs/heads/\(pull.branch)")
        let validator = "\(tip ?? "-"):\(base ?? "-")"
        if validator == etag {
            return .unchanged
        }
        guard let base else {
            throw GitProviderError(
                kind: .notFound, message: "branch \(pull.baseBranch) not found in repository \(repositoryPath)")
        }
        guard let commit = tip ?? pull.commit else {
            return .changed(PullRequestState(phase: .closed), etag: validator)
        }
        let ancestor = try await git.run(["merge-base", "--is-ancestor", commit, base], in: repositoryPath)
        guard ancestor.status == 0 else {
            // Exit 1: not merged. A commit gone from the repository (garbage-collected) also means
            // the branch is not in the base.
            return .changed(PullRequestState(phase: tip == nil ? .closed : .open), etag: validator)
        }
        let descendants = try await git.check(
            ["rev-list", "--reverse", "--first-parent", "--ancestry-path", "\(commit)..\(base)"], in: repositoryPath
        ).line
        let merge = descendants.isEmpty ? commit : descendants
        let date = try await git.check(["show", "-s", "--format=%cI", merge], in: repositoryPath).line
        return .changed(
            PullRequestState(phase: .merged, mergeCommit: merge, changedAt: parseTimestamp(date)),
            etag: validator)
    }

    private func head(_ ref: String) async throws(GitProviderError) -> String? {
        let output = try await git.run(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: repositoryPath)
        return output.status == 0 ? output.line : nil
    }
}

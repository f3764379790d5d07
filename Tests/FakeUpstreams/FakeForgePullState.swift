import Foundation

// `GET /repos/{o}/{r}/pulls/{n}` of the fake forges, and what a reviewer does on them: merge,
// close, reopen. GitHub answers with an `ETag` and a 304 to a matching `If-None-Match`; Gitea's
// API sends no ETag, so every look at it is a full answer.

extension FakeGitHub {
    public func getPull(_ number: Int?, ifNoneMatch: String?) -> FakeResponse {
        guard let pull = pulls.first(where: { $0.number == number }) else {
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
        let etag = "W/\"\(pull.state)-\(pull.mergeCommit ?? "none")-\(pull.number)\""
        if ifNoneMatch == etag {
            notModified += 1
            return FakeResponse(status: 304, headers: ["ETag": etag], body: nil)
        }
        return .json(
            200, stated(pullBody(pull), pull.state, pull.mergeCommit, prefix: "github"), headers: ["ETag": etag])
    }

    /// Merges pull request `number` as GitHub's merge button does: a merge commit on the base.
    @discardableResult
    public func merge(_ number: Int) -> String {
        let index = pulls.firstIndex { $0.number == number }!
        let pull = pulls[index]
        seed(branch: pull.base, files: files(on: pull.head))
        let commit = refs[pull.base]!
        pulls[index].state = "closed"
        pulls[index].mergeCommit = commit
        return commit
    }

    public func close(_ number: Int) { pulls[pulls.firstIndex { $0.number == number }!].state = "closed" }
    public func reopen(_ number: Int) { pulls[pulls.firstIndex { $0.number == number }!].state = "open" }

    private func files(on branch: String) -> [String: String] {
        (refs[branch].flatMap { trees[$0] } ?? [:]).mapValues { String(decoding: $0, as: UTF8.self) }
    }
}

extension FakeGitea {
    public func getPull(_ number: Int?, ifNoneMatch: String?) -> FakeResponse {
        guard let pull = pulls.first(where: { $0.number == number }) else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        return .json(200, stated(pullBody(pull), pull.state, pull.mergeCommit, prefix: "gitea"))
    }

    /// Merges pull request `number`: the base branch moves to a commit holding the head's files.
    @discardableResult
    public func merge(_ number: Int) -> String {
        let index = pulls.firstIndex { $0.number == number }!
        let commit = refs[pulls[index].head]!
        refs[pulls[index].base] = commit
        pulls[index].state = "closed"
        pulls[index].mergeCommit = commit
        return commit
    }

    public func close(_ number: Int) { pulls[pulls.firstIndex { $0.number == number }!].state = "closed" }
    public func reopen(_ number: Int) { pulls[pulls.firstIndex { $0.number == number }!].state = "open" }
}

/// A pull request body with the merge fields of the recorded merged or closed answer.
public func stated(_ body: JSONValue, _ state: String, _ mergeCommit: String?, prefix: String) -> JSONValue {
    guard state == "closed" else {
        var open = body
        open["merged"] = .bool(false)
        open["merged_at"] = .null
        open["closed_at"] = .null
        return open
    }
    let recorded = jsonFixture("\(prefix)/pull-request-\(mergeCommit == nil ? "closed" : "merged").json")
    var closed = body
    for key in ["state", "merged", "merged_at", "closed_at", "merged_by", "merge_commit_sha"] {
        closed[key] = recorded[key] ?? .null
    }
    if let mergeCommit { closed["merge_commit_sha"] = .string(mergeCommit) }
    // The recorded times, moved to now: the fake merged or closed it a moment ago.
    let now = JSONValue.string(ISO8601DateFormatter().string(from: Date()))
    closed["closed_at"] = now
    if mergeCommit != nil { closed["merged_at"] = now }
    return closed
}

import Foundation

/// An in-memory Gitea: one repository with branches, commits (file snapshots) and pull requests,
/// answering the API v1 endpoints Homeport uses with bodies built from `Tests/Fixtures/gitea`.
public actor FakeGitea: FakeForge {
    public struct Pull: Sendable {
        public var number: Int
        public var title: String
        public var body: String
        public var head: String
        public var base: String
        public var state: String
        /// Set by `merge`.
        public var mergeCommit: String? = nil
    }

    public let owner: String
    public let name: String
    /// Path prefix of the API (`/api/v1`).
    public let root = "/api/v1"
    public var requests: [ForgeRequest] = []
    public var faults: [Fault] = []
    public var refs: [String: String] = [:]
    public var trees: [String: [String: [UInt8]]] = [:]
    public var pulls: [Pull] = []
    /// `GET pulls/{n}` answered 304 Not Modified to a matching `If-None-Match`.
    public var notModified = 0
    private var counter = 0
    /// Page size limit, like Gitea's `[api] MAX_RESPONSE_ITEMS`.
    public let maxPageSize: Int

    public init(
        owner: String = "homelab", name: String = "platform", files: [String: String] = ["README.md": "# platform\n"],
        maxPageSize: Int = 50
    ) {
        self.owner = owner
        self.name = name
        self.maxPageSize = maxPageSize
        let first = "5a1c8d0e2f4b6a8c0e2d4f6a8b0c2e4d6f8a0b1c"
        trees[first] = files.mapValues { Array($0.utf8) }
        refs["main"] = first
    }

    // MARK: - Test helpers

    public func pull(_ number: Int) -> Pull? { pulls.first { $0.number == number } }

    public func file(_ path: String, on branch: String) -> String? {
        refs[branch].flatMap { trees[$0]?[path] }.map { String(decoding: $0, as: UTF8.self) }
    }

    public func seed(branch: String, files: [String: String]) {
        let parent = refs[branch] ?? refs["main"]!
        var tree = trees[parent] ?? [:]
        for (path, content) in files {
            tree[path] = Array(content.utf8)
        }
        refs[branch] = newCommit(tree)
    }

    @discardableResult
    public func seedPull(head: String, base: String = "main", title: String = "Other", state: String = "open") -> Int {
        let number = pulls.count + 1
        pulls.append(Pull(number: number, title: title, body: "", head: head, base: base, state: state))
        return number
    }

    // MARK: - The API

    public func answer(_ request: ForgeRequest) -> FakeResponse {
        let prefix = "\(root)/repos/\(owner)/\(name)"
        guard request.path == prefix || request.path.hasPrefix(prefix + "/") else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        let rest = String(request.path.dropFirst(prefix.count + 1)).removingPercentEncoding ?? ""
        switch (request.method, rest) {
        case ("GET", let r) where r.hasPrefix("branches/"):
            return getBranch(String(r.dropFirst("branches/".count)))
        case ("POST", "branches"):
            return createBranch(request.body)
        case ("GET", let r) where r.hasPrefix("contents/"):
            return getContent(String(r.dropFirst("contents/".count)), ref: request.query["ref"] ?? "main")
        case ("POST", "contents"):
            return changeFiles(request.body)
        case ("GET", "pulls"):
            return listPulls(request.query)
        case ("GET", let r) where r.hasPrefix("pulls/") && r.dropFirst("pulls/".count).contains("/"):
            // `/pulls/{base}/*`: the base is one segment, the head the rest (it may hold slashes).
            let pair = r.dropFirst("pulls/".count).split(separator: "/", maxSplits: 1)
            return pullByBaseHead(base: String(pair[0]), head: String(pair[1]))
        case ("GET", let r) where r.hasPrefix("pulls/"):
            return getPull(Int(r.dropFirst("pulls/".count)), ifNoneMatch: request.headers["if-none-match"])
        case ("POST", "pulls"):
            return createPull(request.body)
        default:
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
    }

    private func newCommit(_ tree: [String: [UInt8]]) -> String {
        counter += 1
        let sha = String(format: "9f%038x", counter)
        trees[sha] = tree
        return sha
    }

    private func blobSHA(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return String(format: "a%023x%016llx", bytes.count, hash)
    }

    private func branchBody(_ branch: String) -> JSONValue {
        var body = jsonFixture("gitea/branch.json")
        body["name"] = .string(branch)
        var commit = body["commit"] ?? [:]
        commit["id"] = .string(refs[branch] ?? "")
        body["commit"] = commit
        return body
    }

    private func getBranch(_ branch: String) -> FakeResponse {
        guard refs[branch] != nil else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        return .json(200, branchBody(branch))
    }

    private func createBranch(_ body: JSONValue?) -> FakeResponse {
        guard let branch = body?["new_branch_name"]?.string else {
            return .json(422, ["message": "[BranchName]: Required", "url": "https://gitea.homelab.local/api/swagger"])
        }
        let old = body?["old_ref_name"]?.string ?? body?["old_branch_name"]?.string ?? "main"
        guard let commit = refs[old] else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        if refs[branch] != nil {
            return .json(409, jsonFixture("gitea/error-branch-already-exists.json"))
        }
        refs[branch] = commit
        return .json(201, branchBody(branch))
    }

    private func contentBody(_ path: String, _ bytes: [UInt8], ref: String, template: JSONValue) -> JSONValue {
        var body = template
        body["name"] = .string(String(path.split(separator: "/").last ?? ""))
        body["path"] = .string(path)
        body["sha"] = .string(blobSHA(bytes))
        body["size"] = .number(Double(bytes.count))
        body["content"] = .string(Data(bytes).base64EncodedString())
        body["last_commit_sha"] = .string(refs[ref] ?? "")
        return body
    }

    private func getContent(_ path: String, ref: String) -> FakeResponse {
        guard let commit = refs[ref], let bytes = trees[commit]?[path] else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        return .json(200, contentBody(path, bytes, ref: ref, template: jsonFixture("gitea/contents-file.json")))
    }

    private func error(_ status: Int, _ message: String) -> FakeResponse {
        .json(status, ["message": .string(message), "url": "https://gitea.homelab.local/api/swagger"])
    }

    private func changeFiles(_ body: JSONValue?) -> FakeResponse {
        guard let operations = body?["files"]?.array, !operations.isEmpty else {
            return error(422, "[Files]: Required")
        }
        let branch = body?["branch"]?.string ?? "main"
        let newBranch = body?["new_branch"]?.string
        guard let parent = refs[branch] else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        if let newBranch, newBranch != branch, refs[newBranch] != nil {
            return .json(422, jsonFixture("gitea/error-branch-already-exists.json"))
        }
        var tree = trees[parent] ?? [:]
        var changed: [String] = []
        for operation in operations {
            guard let path = operation["path"]?.string, let kind = operation["operation"]?.string,
                let encoded = operation["content"]?.string, let data = Data(base64Encoded: encoded)
            else {
                return error(422, "illegal base64 data")
            }
            switch kind {
            case "create":
                if tree[path] != nil {
                    return error(422, "repository file already exists [path: \(path)]")
                }
            case "update":
                guard let existing = tree[path] else {
                    return .json(
                        404,
                        [
                            "message": .string("repository file does not exist [path: \(path)]"),
                            "url": "https://gitea.homelab.local/api/swagger",
                        ])
                }
                guard operation["sha"]?.string == blobSHA(existing) else {
                    return error(
                        422,
                        "sha does not match [given: \(operation["sha"]?.string ?? ""), expected: \(blobSHA(existing))]")
                }
            default:
                return error(422, "unsupported operation \(kind)")
            }
            tree[path] = Array(data)
            changed.append(path)
        }
        let commit = newCommit(tree)
        let target = newBranch ?? branch
        refs[target] = commit
        var response = jsonFixture("gitea/files-response.json")
        let template = response["files"]?.array?.first ?? [:]
        response["files"] = .array(changed.map { contentBody($0, tree[$0] ?? [], ref: target, template: template) })
        var commitBody = response["commit"] ?? [:]
        commitBody["sha"] = .string(commit)
        commitBody["message"] = .string(body?["message"]?.string ?? "")
        response["commit"] = commitBody
        return .json(201, response)
    }

    public func pullBody(_ pull: Pull) -> JSONValue {
        var body = jsonFixture("gitea/pull-request.json")
        body["number"] = .number(Double(pull.number))
        body["id"] = .number(Double(100 + pull.number))
        body["url"] = .string("https://gitea.homelab.local/\(owner)/\(name)/pulls/\(pull.number)")
        body["html_url"] = .string("https://gitea.homelab.local/\(owner)/\(name)/pulls/\(pull.number)")
        body["title"] = .string(pull.title)
        body["body"] = .string(pull.body)
        body["state"] = .string(pull.state)
        for (key, branch) in [("head", pull.head), ("base", pull.base)] {
            var info = body[key] ?? [:]
            info["ref"] = .string(branch)
            info["label"] = .string(branch)
            info["sha"] = .string(refs[branch] ?? "")
            body[key] = info
        }
        return body
    }

    private func listPulls(_ query: [String: String]) -> FakeResponse {
        let state = query["state"] ?? "open"
        let matching = pulls.filter { state == "all" || $0.state == state }
        let limit = min(Int(query["limit"] ?? "") ?? 30, maxPageSize)
        let page = max(1, Int(query["page"] ?? "") ?? 1)
        let slice = matching.dropFirst((page - 1) * limit).prefix(limit)
        return .json(200, .array(slice.map(pullBody)), headers: ["X-Total-Count": String(matching.count)])
    }

    /// Like Gitea's `GetPullRequestByBaseHeadInfo`: the first pull request of the pair, whatever its state.
    private func pullByBaseHead(base: String, head: String) -> FakeResponse {
        guard let pull = pulls.first(where: { $0.base == base && $0.head == head }) else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        return .json(200, pullBody(pull))
    }

    private func createPull(_ body: JSONValue?) -> FakeResponse {
        guard let title = body?["title"]?.string, let head = body?["head"]?.string, let base = body?["base"]?.string
        else {
            return error(422, "[Head]: Required")
        }
        if let existing = pulls.first(where: { $0.head == head && $0.base == base && $0.state == "open" }) {
            var conflict = jsonFixture("gitea/error-pull-request-already-exists.json")
            conflict["message"] = .string(
                "pull request already exists for these targets [id: \(100 + existing.number), issue_id: \(existing.number), head_repo_id: 12, base_repo_id: 12, head_branch: \(head), base_branch: \(base)]"
            )
            return .json(409, conflict)
        }
        guard refs[head] != nil, refs[base] != nil else {
            return .json(404, jsonFixture("gitea/error-not-found.json"))
        }
        let pull = Pull(
            number: pulls.count + 1, title: title, body: body?["body"]?.string ?? "", head: head, base: base,
            state: "open")
        pulls.append(pull)
        return .json(201, pullBody(pull))
    }
}

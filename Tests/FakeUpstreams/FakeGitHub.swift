import Foundation

/// An in-memory GitHub: one repository with branches, commits (file snapshots) and pull requests,
/// answering the REST endpoints Homeport uses with bodies built from `Tests/Fixtures/github`.
public actor FakeGitHub: FakeForge {
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
    public var requests: [ForgeRequest] = []
    public var faults: [Fault] = []
    /// branch → commit
    public var refs: [String: String] = [:]
    /// commit → (path → bytes)
    public var trees: [String: [String: [UInt8]]] = [:]
    public var pulls: [Pull] = []
    /// `GET pulls/{n}` answered 304 Not Modified to a matching `If-None-Match`.
    public var notModified = 0
    private var counter = 0
    /// The repository's former `owner/name`, and the origin (`http://127.0.0.1:PORT`) its 301s point to.
    private var formerName: (repository: String, origin: String)?

    public init(
        owner: String = "homelab", name: String = "platform", files: [String: String] = ["README.md": "# platform\n"]
    ) {
        self.owner = owner
        self.name = name
        let root = "1000000000000000000000000000000000000001"
        trees[root] = files.mapValues { Array($0.utf8) }
        refs["main"] = root
    }

    // MARK: - Test helpers

    public func pull(_ number: Int) -> Pull? { pulls.first { $0.number == number } }

    public func file(_ path: String, on branch: String) -> String? {
        refs[branch].flatMap { trees[$0]?[path] }.map { String(decoding: $0, as: UTF8.self) }
    }

    public func commitCount() -> Int { counter }

    /// Adds a commit on `branch` (created from main when missing), as another writer would.
    public func seed(branch: String, files: [String: String]) {
        let parent = refs[branch] ?? refs["main"]!
        var tree = trees[parent] ?? [:]
        for (path, content) in files {
            tree[path] = Array(content.utf8)
        }
        refs[branch] = newCommit(tree)
    }

    public func seedPull(head: String, base: String = "main", title: String = "Earlier attempt", state: String = "open")
        -> Int
    {
        let number = 1347 + pulls.count
        pulls.append(Pull(number: number, title: title, body: "", head: head, base: base, state: state))
        return number
    }

    /// Renames the repository: requests under its former name answer 301 with a `Location` on
    /// `origin`, as GitHub does for a renamed or transferred repository.
    public func rename(from former: String, redirectingTo origin: String) {
        formerName = (former, origin)
    }

    // MARK: - The API

    public func answer(_ request: ForgeRequest) -> FakeResponse {
        if let formerName, request.path.hasPrefix("/repos/\(formerName.repository)/") {
            let rest = request.path.dropFirst("/repos/\(formerName.repository)".count)
            let location =
                "\(formerName.origin)/repos/\(owner)/\(name)\(rest)\(request.rawQuery.map { "?\($0)" } ?? "")"
            var body = jsonFixture("github/error-moved-permanently.json")
            body["url"] = .string(location)
            return .json(301, body, headers: ["Location": location])
        }
        let prefix = "/repos/\(owner)/\(name)/"
        guard request.path.hasPrefix(prefix) else {
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
        let rest = String(request.path.dropFirst(prefix.count)).removingPercentEncoding ?? ""
        switch (request.method, rest) {
        case ("GET", let r) where r.hasPrefix("git/ref/heads/"):
            return getRef(String(r.dropFirst("git/ref/heads/".count)))
        case ("POST", "git/refs"):
            return createRef(request.body)
        case ("GET", let r) where r.hasPrefix("contents/"):
            return getContent(String(r.dropFirst("contents/".count)), ref: request.query["ref"] ?? "main")
        case ("PUT", let r) where r.hasPrefix("contents/"):
            return putContent(String(r.dropFirst("contents/".count)), request.body)
        case ("GET", "pulls"):
            return listPulls(head: request.query["head"], state: request.query["state"] ?? "open")
        case ("GET", let r) where r.hasPrefix("pulls/"):
            return getPull(Int(r.dropFirst("pulls/".count)), ifNoneMatch: request.headers["if-none-match"])
        case ("POST", "pulls"):
            return createPull(request.body)
        default:
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
    }

    private func newCommit(_ tree: [String: [UInt8]]) -> String {
        counter += 1
        let sha = String(format: "c%039x", counter)
        trees[sha] = tree
        return sha
    }

    private func blobSHA(_ bytes: [UInt8]) -> String {
        // Not git's hash, but stable per content: enough for the sha round trip.
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return String(format: "b%023x%016llx", bytes.count, hash)
    }

    private func refBody(_ branch: String, _ sha: String) -> JSONValue {
        var body = jsonFixture("github/get-a-reference.json")
        body["ref"] = .string("refs/heads/\(branch)")
        body["url"] = .string("https://api.github.com/repos/\(owner)/\(name)/git/refs/heads/\(branch)")
        var object = body["object"] ?? [:]
        object["sha"] = .string(sha)
        object["url"] = .string("https://api.github.com/repos/\(owner)/\(name)/git/commits/\(sha)")
        body["object"] = object
        return body
    }

    private func getRef(_ branch: String) -> FakeResponse {
        guard let sha = refs[branch] else {
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
        return .json(200, refBody(branch, sha))
    }

    private func createRef(_ body: JSONValue?) -> FakeResponse {
        guard let ref = body?["ref"]?.string, ref.hasPrefix("refs/heads/"), let sha = body?["sha"]?.string else {
            return .json(422, ["message": "Invalid request.", "documentation_url": "https://docs.github.com/rest"])
        }
        let branch = String(ref.dropFirst("refs/heads/".count))
        if refs[branch] != nil {
            return .json(422, jsonFixture("github/error-reference-already-exists.json"))
        }
        guard trees[sha] != nil else {
            return .json(
                422, ["message": "Object does not exist", "documentation_url": "https://docs.github.com/rest"])
        }
        refs[branch] = sha
        var created = jsonFixture("github/create-a-reference.json")
        created = refBody(branch, sha).merging(into: created)
        return .json(
            201, created,
            headers: ["Location": "https://api.github.com/repos/\(owner)/\(name)/git/refs/heads/\(branch)"])
    }

    private func contentBody(_ path: String, _ bytes: [UInt8], template: JSONValue) -> JSONValue {
        var body = template
        body["name"] = .string(String(path.split(separator: "/").last ?? ""))
        body["path"] = .string(path)
        body["sha"] = .string(blobSHA(bytes))
        body["size"] = .number(Double(bytes.count))
        return body
    }

    private func getContent(_ path: String, ref: String) -> FakeResponse {
        guard let commit = refs[ref], let bytes = trees[commit]?[path] else {
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
        var body = contentBody(path, bytes, template: jsonFixture("github/get-repository-content-file.json"))
        body["content"] = .string(wrappedBase64(bytes))
        return .json(200, body)
    }

    private func putContent(_ path: String, _ body: JSONValue?) -> FakeResponse {
        guard let branch = body?["branch"]?.string, let message = body?["message"]?.string, !message.isEmpty,
            let encoded = body?["content"]?.string, let data = Data(base64Encoded: encoded)
        else {
            return .json(422, ["message": "Invalid request.", "documentation_url": "https://docs.github.com/rest"])
        }
        guard let parent = refs[branch] else {
            return .json(404, jsonFixture("github/error-not-found.json"))
        }
        var tree = trees[parent] ?? [:]
        let existing = tree[path]
        switch (existing, body?["sha"]?.string) {
        case (.some, nil):
            return .json(
                422,
                [
                    "message": "Invalid request.\n\n\"sha\" wasn't supplied.",
                    "documentation_url": "https://docs.github.com/rest",
                ])
        case (.some(let bytes), .some(let sha)) where sha != blobSHA(bytes):
            return .json(
                409,
                [
                    "message": .string("\(path) does not match \(sha)"),
                    "documentation_url": "https://docs.github.com/rest",
                ])
        default:
            break
        }
        let bytes = Array(data)
        tree[path] = bytes
        let commit = newCommit(tree)
        refs[branch] = commit
        var response = jsonFixture("github/create-or-update-file-contents.json")
        response["content"] = contentBody(path, bytes, template: response["content"] ?? [:])
        var commitBody = response["commit"] ?? [:]
        commitBody["sha"] = .string(commit)
        commitBody["message"] = .string(message)
        response["commit"] = commitBody
        return .json(existing == nil ? 201 : 200, response)
    }

    public func pullBody(_ pull: Pull) -> JSONValue {
        var body = jsonFixture("github/pull-request.json")
        body["number"] = .number(Double(pull.number))
        body["url"] = .string("https://api.github.com/repos/\(owner)/\(name)/pulls/\(pull.number)")
        body["html_url"] = .string("https://github.com/\(owner)/\(name)/pull/\(pull.number)")
        body["title"] = .string(pull.title)
        body["body"] = .string(pull.body)
        body["state"] = .string(pull.state)
        var head = body["head"] ?? [:]
        head["ref"] = .string(pull.head)
        head["label"] = .string("\(owner):\(pull.head)")
        head["sha"] = .string(refs[pull.head] ?? "")
        body["head"] = head
        var base = body["base"] ?? [:]
        base["ref"] = .string(pull.base)
        base["label"] = .string("\(owner):\(pull.base)")
        base["sha"] = .string(refs[pull.base] ?? "")
        body["base"] = base
        return body
    }

    private func listPulls(head: String?, state: String) -> FakeResponse {
        let matching = pulls.filter { pull in
            (state == "all" || pull.state == state) && (head.map { $0 == "\(owner):\(pull.head)" } ?? true)
        }
        return .json(200, .array(matching.map(pullBody)))
    }

    private func createPull(_ body: JSONValue?) -> FakeResponse {
        guard let title = body?["title"]?.string, let head = body?["head"]?.string, let base = body?["base"]?.string
        else {
            return .json(422, ["message": "Validation Failed", "documentation_url": "https://docs.github.com/rest"])
        }
        if pulls.contains(where: { $0.head == head && $0.base == base && $0.state == "open" }) {
            return .json(422, jsonFixture("github/error-pull-request-already-exists.json"))
        }
        guard refs[head] != nil, refs[base] != nil else {
            return .json(
                422,
                [
                    "message": "Validation Failed",
                    "errors": [["resource": "PullRequest", "field": "head", "code": "invalid"]],
                    "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                ])
        }
        let pull = Pull(
            number: 1347 + pulls.count, title: title, body: body?["body"]?.string ?? "", head: head, base: base,
            state: "open")
        pulls.append(pull)
        return .json(201, pullBody(pull))
    }
}

extension JSONValue {
    /// `self`'s keys written over `base`'s.
    public func merging(into base: JSONValue) -> JSONValue {
        guard case .object(let mine) = self, case .object(var theirs) = base else { return self }
        for (key, value) in mine {
            theirs[key] = value
        }
        return .object(theirs)
    }
}

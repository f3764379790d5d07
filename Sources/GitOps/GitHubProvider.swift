import Foundation
import HTTPClient

/// Opens pull requests on GitHub or GitHub Enterprise through the REST API (v3, `2022-11-28`).
///
/// One call of `openPullRequest` sends, in order:
/// 1. `GET  /repos/{o}/{r}/git/ref/heads/{base}`: the base commit (404: repository or base missing);
/// 2. `POST /repos/{o}/{r}/git/refs` `{"ref": "refs/heads/{branch}", "sha"}`: the branch
///    (422 "Reference already exists": an earlier attempt made it, keep it);
/// 3. per file, `GET /repos/{o}/{r}/contents/{path}?ref={branch}`, then, unless the branch already
///    holds the same bytes, `PUT /repos/{o}/{r}/contents/{path}`
///    `{"branch", "content": base64, "message", "sha"?}` (`sha` of the blob being replaced);
/// 4. `GET /repos/{o}/{r}/pulls?head={o}:{branch}&state=open`: an open pull request from the
///    branch to the base is reused (`reused: true`);
/// 5. otherwise `POST /repos/{o}/{r}/pulls` `{"base", "body", "head", "title"}` (422 "A pull
///    request already exists": list again and reuse).
///
/// Every step is idempotent, so a retry after a crash or a failure resumes where the earlier
/// attempt stopped and never opens a second pull request.
public struct GitHubProvider: GitProvider {
    public static let defaultAPIURL = "https://api.github.com"

    let client: RESTClient

    /// - Parameters:
    ///   - apiURL: API root: `https://api.github.com`, or `https://{host}/api/v3` for GitHub Enterprise.
    ///   - repository: `owner/name`.
    ///   - token: a token allowed to write contents and pull requests; sent as `Authorization: Bearer`.
    ///   - http: the libcurl client every request goes through.
    ///   - retry: retries for 5xx and dropped connections, and how long a rate limit may be waited out.
    ///   - caBundlePath: PEM bundle of certificate authorities to trust (a private GitHub Enterprise).
    ///   - trace: receives every exchange (method, URL, status, time), never the token.
    /// - Throws: `configuration` for a malformed URL or repository, or an empty token.
    public init(
        apiURL: String = GitHubProvider.defaultAPIURL,
        repository: String,
        token: String,
        http: CurlHTTPClient = CurlHTTPClient(),
        retry: RetryPolicy = .standard,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        caBundlePath: String? = nil,
        trace: GitProviderTraceHandler? = nil
    ) throws(GitProviderError) {
        client = try HTTPProviderSetup.client(
            service: "GitHub", apiURL: apiURL, repository: repository, token: token,
            headers: { token in
                [
                    (name: "Authorization", value: "Bearer \(token)"),
                    (name: "Accept", value: "application/vnd.github+json"),
                    (name: "X-GitHub-Api-Version", value: "2022-11-28"),
                ]
            },
            http: http, retry: retry, timeouts: timeouts, caBundlePath: caBundlePath, trace: trace
        )
    }

    public func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        try DraftCheck.validate(draft)
        let baseSHA = try await baseCommit(draft.baseBranch)
        try await createBranch(draft.branch, at: baseSHA)
        var lastCommit: String?
        for file in draft.files {
            if let commit = try await write(file, on: draft.branch, message: draft.commitMessage) {
                lastCommit = commit
            }
        }
        if let open = try await openPull(from: draft.branch, to: draft.baseBranch) {
            return open.result(branch: draft.branch, commit: lastCommit, reused: true)
        }
        return try await createPull(draft, commit: lastCommit)
    }

    /// `GET /repos/{o}/{r}/pulls/{n}`, conditional on `etag`.
    public func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
    {
        try await client.pullRequestState(pull, etag: etag)
    }

    // MARK: - Steps

    private func baseCommit(_ base: String) async throws(GitProviderError) -> String {
        let path = client.repoPath("git", "ref", "heads/\(base)")
        let response = try await client.send("GET", path, passing: [404, 409])
        switch response.status {
        case 404:
            throw GitProviderError(
                kind: .notFound,
                message:
                    "repository \(client.repository) or branch \(base) not found (GitHub answered 404 to GET \(path); the token may not see the repository)"
            )
        case 409:
            throw GitProviderError(
                kind: .notFound, message: "repository \(client.repository) is empty: branch \(base) not found (409)")
        default:
            return try client.decode(GitHubRef.self, from: response, of: "GET \(path)").object.sha
        }
    }

    private func createBranch(_ branch: String, at sha: String) async throws(GitProviderError) {
        let path = client.repoPath("git", "refs")
        let body = RESTClient.encode(GitHubCreateRef(ref: "refs/heads/\(branch)", sha: sha))
        let response = try await client.send("POST", path, body: body, passing: [422])
        if response.status == 422 {
            guard client.upstreamText(response).localizedCaseInsensitiveContains("Reference already exists") else {
                throw client.unexpected(response, to: "POST \(path)")
            }
            // An earlier attempt created the branch: keep it and its commits.
        }
    }

    /// Puts `file` on `branch` unless it already holds these bytes; returns the new commit.
    private func write(_ file: PullRequestDraft.File, on branch: String, message: String) async throws(GitProviderError)
        -> String?
    {
        let path = client.repoPath("contents", file.path)
        let wanted = Array(file.content.utf8)
        // A second round only after a conflict: someone (an earlier attempt) changed the file meanwhile.
        for round in 1...2 {
            let current = try await client.currentFile(file.path, at: branch)
            if let current, current.bytes == wanted {
                return nil
            }
            let body = RESTClient.encode(
                GitHubPutContent(
                    message: message, content: Data(wanted).base64EncodedString(), branch: branch, sha: current?.sha
                ))
            let response = try await client.send("PUT", path, body: body, passing: [409, 422])
            if response.status == 409 || response.status == 422 {
                if round == 1 { continue }
                throw client.unexpected(response, to: "PUT \(path)")
            }
            return try client.decode(GitHubFileCommit.self, from: response, of: "PUT \(path)").commit.sha
        }
        return nil
    }

    private func openPull(from branch: String, to base: String) async throws(GitProviderError) -> ForgePull? {
        let path = client.repoPath("pulls")
        let query = [("head", "\(client.repository.owner):\(branch)"), ("state", "open")]
        let response = try await client.send("GET", path, query: query)
        let pulls = try client.decode([ForgePull].self, from: response, of: "GET \(path)")
        return pulls.first { $0.head.ref == branch && $0.base.ref == base }
    }

    private func createPull(_ draft: PullRequestDraft, commit: String?) async throws(GitProviderError)
        -> PullRequestResult
    {
        let path = client.repoPath("pulls")
        let body = RESTClient.encode(
            ForgeCreatePull(title: draft.title, head: draft.branch, base: draft.baseBranch, body: draft.body))
        let response = try await client.send("POST", path, body: body, passing: [422])
        if response.status == 422 {
            guard client.upstreamText(response).localizedCaseInsensitiveContains("pull request already exists") else {
                throw client.unexpected(response, to: "POST \(path)")
            }
            guard let open = try await openPull(from: draft.branch, to: draft.baseBranch) else {
                throw GitProviderError(
                    kind: .invalidResponse,
                    message:
                        "GitHub says a pull request from \(draft.branch) already exists, but lists no open one to \(draft.baseBranch)"
                )
            }
            return open.result(branch: draft.branch, commit: commit, reused: true)
        }
        let created = try client.decode(ForgePull.self, from: response, of: "POST \(path)")
        return created.result(branch: draft.branch, commit: commit, reused: false)
    }
}

// MARK: - Wire types (only the fields Homeport reads or sends)

struct GitHubRef: Decodable {
    struct Object: Decodable {
        var sha: String
    }

    var ref: String
    var object: Object
}

struct GitHubCreateRef: Encodable {
    var ref: String
    var sha: String
}

struct GitHubPutContent: Encodable {
    var message: String
    var content: String
    var branch: String
    /// Blob being replaced; absent when creating the file (encoded only when set).
    var sha: String?
}

struct GitHubFileCommit: Decodable {
    struct Commit: Decodable {
        var sha: String?
    }

    var commit: Commit
}

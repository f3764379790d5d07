import Foundation
import HTTPClient

/// Opens pull requests on Gitea through its REST API v1 (Gitea 1.22 or later: the
/// pull request lookup by base and head came in 1.22, `old_ref_name` in 1.21).
///
/// One call of `openPullRequest` sends, in order:
/// 1. `GET /repos/{o}/{r}/branches/{branch}`: does an earlier attempt's branch exist?
/// 2. per file, `GET /repos/{o}/{r}/contents/{path}?ref={branch, or base when the branch is new}`
///    to skip files that already hold the same bytes and to learn the blob `sha` of files to update;
/// 3. when something differs, one commit through `POST /repos/{o}/{r}/contents`
///    (`ChangeFilesOptions`: `{"branch", "new_branch"?, "message", "files": [{"operation":
///    "create"|"update", "path", "content": base64, "sha"?}]}`); a new branch is created from the
///    base by the same call (`branch` = base, `new_branch` = branch). When nothing differs and the
///    branch is missing, `POST /repos/{o}/{r}/branches` `{"new_branch_name", "old_ref_name"}`
///    (`old_branch_name` is deprecated);
/// 4. `GET /repos/{o}/{r}/pulls/{base}/{head}`: the pull request from the branch to the base, one
///    call whatever the number of open pull requests (404: none); an open one is reused;
/// 5. otherwise `POST /repos/{o}/{r}/pulls` `{"base", "body", "head", "title"}` (409, or 422
///    "already exists": look it up again and reuse).
///
/// Every step is idempotent, so a retry never opens a second pull request.
public struct GiteaProvider: GitProvider {
    let client: RESTClient

    /// - Parameters:
    ///   - apiURL: API root, `https://gitea.homelab.local/api/v1`.
    ///   - repository: `owner/name`.
    ///   - token: an access token with repository write scope; sent as `Authorization: token …`.
    ///   - http: the libcurl client every request goes through.
    ///   - retry: retries for 5xx and dropped connections, and how long a rate limit may be waited out.
    ///   - caBundlePath: PEM bundle of certificate authorities to trust (a homelab CA).
    ///   - trace: receives every exchange (method, URL, status, time), never the token.
    /// - Throws: `configuration` for a malformed URL or repository, or an empty token.
    public init(
        apiURL: String,
        repository: String,
        token: String,
        http: CurlHTTPClient = CurlHTTPClient(),
        retry: RetryPolicy = .standard,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        caBundlePath: String? = nil,
        trace: GitProviderTraceHandler? = nil
    ) throws(GitProviderError) {
        client = try HTTPProviderSetup.client(
            service: "Gitea", apiURL: apiURL, repository: repository, token: token,
            headers: { token in
                [
                    (name: "Authorization", value: "token \(token)"),
                    (name: "Accept", value: "application/json"),
                ]
            },
            http: http, retry: retry, timeouts: timeouts, caBundlePath: caBundlePath, trace: trace
        )
    }

    public func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        try DraftCheck.validate(draft)
        let commit = try await commitFiles(draft)
        if let open = try await openPull(from: draft.branch, to: draft.baseBranch) {
            return open.result(branch: draft.branch, commit: commit, reused: true)
        }
        return try await createPull(draft, commit: commit)
    }

    /// `GET /repos/{o}/{r}/pulls/{n}`, conditional on `etag`.
    public func pullRequestState(_ pull: PullRequestReference, etag: String?) async throws(GitProviderError)
        -> PullRequestObservation
    {
        try await client.pullRequestState(pull, etag: etag)
    }

    // MARK: - Steps

    /// Makes the branch hold the draft's files; returns the commit it made, if it made one.
    private func commitFiles(_ draft: PullRequestDraft) async throws(GitProviderError) -> String? {
        var branchExists = try await exists(branch: draft.branch)
        // A second round only when the branch appeared meanwhile (an earlier attempt's answer was lost).
        for round in 1...2 {
            let ref = branchExists ? draft.branch : draft.baseBranch
            var operations: [GiteaChangeFiles.Operation] = []
            for file in draft.files {
                let wanted = Array(file.content.utf8)
                let current = try await client.currentFile(file.path, at: ref)
                if let current, current.bytes == wanted {
                    continue
                }
                operations.append(
                    GiteaChangeFiles.Operation(
                        operation: current == nil ? "create" : "update",
                        path: file.path,
                        content: Data(wanted).base64EncodedString(),
                        sha: current?.sha
                    ))
            }
            if operations.isEmpty {
                if !branchExists {
                    try await createBranch(draft.branch, from: draft.baseBranch)
                }
                return nil
            }
            let path = client.repoPath("contents")
            let body = RESTClient.encode(
                GiteaChangeFiles(
                    branch: ref,
                    newBranch: branchExists ? nil : draft.branch,
                    message: draft.commitMessage,
                    files: operations
                ))
            let response = try await client.send("POST", path, body: body, passing: [404, 409, 422])
            switch response.status {
            case 404:
                throw notFound(draft.baseBranch, answering: "POST \(path)")
            case 409, 422:
                if round == 1 {
                    branchExists = try await exists(branch: draft.branch)
                    continue
                }
                throw client.unexpected(response, to: "POST \(path)")
            default:
                return try client.decode(GiteaFilesResponse.self, from: response, of: "POST \(path)").commit?.sha
            }
        }
        return nil
    }

    private func exists(branch: String) async throws(GitProviderError) -> Bool {
        let path = client.repoPath("branches", branch)
        let response = try await client.send("GET", path, passing: [404])
        if response.status == 404 {
            return false
        }
        _ = try client.decode(GiteaBranch.self, from: response, of: "GET \(path)")
        return true
    }

    private func createBranch(_ branch: String, from base: String) async throws(GitProviderError) {
        let path = client.repoPath("branches")
        let body = RESTClient.encode(GiteaCreateBranch(newBranchName: branch, oldRefName: base))
        let response = try await client.send("POST", path, body: body, passing: [404, 409])
        if response.status == 404 {
            throw notFound(base, answering: "POST \(path)")
        }
        // 409: the branch exists already, which is what we want.
    }

    /// The open pull request from `branch` to `base`, if any. Gitea answers the newest or oldest
    /// pull request of the pair whatever its state, so a closed one counts as none.
    private func openPull(from branch: String, to base: String) async throws(GitProviderError) -> ForgePull? {
        // The head is Gitea's trailing wildcard, so its slashes stay as they are; the base is one segment.
        let path =
            client.repoPath("pulls") + "/" + RESTClient.encodePath(base).replacingOccurrences(of: "/", with: "%2F")
            + "/" + RESTClient.encodePath(branch)
        let response = try await client.send("GET", path, passing: [404])
        if response.status == 404 {
            return nil
        }
        let pull = try client.decode(ForgePull.self, from: response, of: "GET \(path)")
        guard pull.head.ref == branch, pull.base.ref == base, pull.state ?? "open" == "open" else { return nil }
        return pull
    }

    private func createPull(_ draft: PullRequestDraft, commit: String?) async throws(GitProviderError)
        -> PullRequestResult
    {
        let path = client.repoPath("pulls")
        let body = RESTClient.encode(
            ForgeCreatePull(title: draft.title, head: draft.branch, base: draft.baseBranch, body: draft.body))
        let response = try await client.send("POST", path, body: body, passing: [404, 409, 422])
        switch response.status {
        case 404:
            throw notFound(draft.baseBranch, answering: "POST \(path)")
        case 409, 422:
            let alreadyExists =
                response.status == 409
                || client.upstreamText(response).localizedCaseInsensitiveContains("already exists")
            guard alreadyExists else {
                throw client.unexpected(response, to: "POST \(path)")
            }
            guard let open = try await openPull(from: draft.branch, to: draft.baseBranch) else {
                throw GitProviderError(
                    kind: .invalidResponse,
                    message:
                        "Gitea says a pull request from \(draft.branch) already exists, but lists no open one to \(draft.baseBranch)"
                )
            }
            return open.result(branch: draft.branch, commit: commit, reused: true)
        default:
            let created = try client.decode(ForgePull.self, from: response, of: "POST \(path)")
            return created.result(branch: draft.branch, commit: commit, reused: false)
        }
    }

    private func notFound(_ base: String, answering request: String) -> GitProviderError {
        GitProviderError(
            kind: .notFound,
            message:
                "repository \(client.repository) or branch \(base) not found (Gitea answered 404 to \(request); the token may not see the repository)"
        )
    }
}

// MARK: - Wire types (only the fields Homeport reads or sends)

struct GiteaBranch: Decodable {
    struct Commit: Decodable {
        var id: String?
    }

    var name: String
    var commit: Commit?
}

/// `ChangeFilesOptions` of `POST /repos/{owner}/{repo}/contents`.
struct GiteaChangeFiles: Encodable {
    struct Operation: Encodable {
        var operation: String
        var path: String
        var content: String
        var sha: String?
    }

    var branch: String
    var newBranch: String?
    var message: String
    var files: [Operation]

    private enum CodingKeys: String, CodingKey {
        case branch, message, files
        case newBranch = "new_branch"
    }
}

struct GiteaFilesResponse: Decodable {
    struct Commit: Decodable {
        var sha: String?
    }

    var commit: Commit?
}

/// `CreateBranchRepoOption` of `POST /repos/{owner}/{repo}/branches`; `old_ref_name` replaces
/// the deprecated `old_branch_name`.
struct GiteaCreateBranch: Encodable {
    var newBranchName: String
    var oldRefName: String

    private enum CodingKeys: String, CodingKey {
        case newBranchName = "new_branch_name"
        case oldRefName = "old_ref_name"
    }
}

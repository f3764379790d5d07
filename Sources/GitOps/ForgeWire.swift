import Foundation

// Gitea's REST API copies GitHub's for file contents and pull requests, so both providers read and
// send these shapes (only the fields Homeport uses).

/// A file of `GET /repos/{o}/{r}/contents/{path}`.
struct ForgeContent: Decodable {
    var type: String
    var sha: String
    var encoding: String?
    var content: String?

    /// The file's bytes when the forge inlined them (`encoding: base64`, possibly wrapped).
    var decodedBytes: [UInt8]? {
        guard encoding == "base64", let content else { return nil }
        return Data(base64Encoded: content, options: .ignoreUnknownCharacters).map(Array.init)
    }
}

/// The body of `POST /repos/{o}/{r}/pulls`.
struct ForgeCreatePull: Encodable {
    var title: String
    var head: String
    var base: String
    var body: String
}

/// A pull request as `GET` and `POST /repos/{o}/{r}/pulls` answer it.
struct ForgePull: Decodable {
    struct Branch: Decodable {
        var ref: String
        var sha: String?
    }

    var number: Int
    var htmlURL: String
    var state: String?
    var head: Branch
    var base: Branch

    private enum CodingKeys: String, CodingKey {
        case number, state, head, base
        case htmlURL = "html_url"
    }

    /// What the flow records; `commit` is the one this attempt made, else the branch's head.
    func result(branch: String, commit: String?, reused: Bool) -> PullRequestResult {
        PullRequestResult(
            url: htmlURL, number: number, branch: branch, commit: commit ?? head.sha, diff: nil, reused: reused)
    }
}

extension RESTClient {
    /// The blob `sha` and bytes of `filePath` at `ref` (a branch), or nil when it is not there.
    func currentFile(_ filePath: String, at ref: String) async throws(GitProviderError) -> (
        sha: String, bytes: [UInt8]?
    )? {
        let path = repoPath("contents", filePath)
        let response = try await send("GET", path, query: [("ref", ref)], passing: [404])
        if response.status == 404 {
            return nil
        }
        let content = try decode(ForgeContent.self, from: response, of: "GET \(path)")
        guard content.type == "file" else {
            throw GitProviderError(
                kind: .invalidResponse,
                message: "\(filePath) on \(ref) of \(repository) is a \(content.type), not a file")
        }
        return (content.sha, content.decodedBytes)
    }
}

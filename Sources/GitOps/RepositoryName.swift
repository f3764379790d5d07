/// `owner/name` of a hosted repository, checked once at start.
struct RepositoryName: Sendable, Equatable, CustomStringConvertible {
    var owner: String
    var name: String

    init(_ text: String) throws(GitProviderError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) && $0 != "." && $0 != ".." })
        else {
            throw GitProviderError(
                kind: .configuration,
                message:
                    "repository must look like owner/name (letters, digits, '-', '_', '.'), got \"\(text.prefix(100))\""
            )
        }
        owner = String(parts[0])
        name = String(parts[1])
    }

    var description: String { "\(owner)/\(name)" }
}

/// Checks the parts of a draft every provider relies on, before any request or command.
enum DraftCheck {
    static func validate(_ draft: PullRequestDraft) throws(GitProviderError) {
        try branchName(draft.branch, role: "branch")
        try branchName(draft.baseBranch, role: "base branch")
        guard draft.branch != draft.baseBranch else {
            throw GitProviderError(kind: .configuration, message: "branch and base branch are both \"\(draft.branch)\"")
        }
        guard !draft.files.isEmpty else {
            throw GitProviderError(kind: .configuration, message: "the pull request has no files")
        }
        var seen = Set<String>()
        for file in draft.files {
            try filePath(file.path)
            guard seen.insert(file.path).inserted else {
                throw GitProviderError(
                    kind: .configuration, message: "file \(file.path) appears twice in the pull request")
            }
        }
        guard !draft.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GitProviderError(kind: .configuration, message: "the pull request has no title")
        }
        guard !draft.commitMessage.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw GitProviderError(kind: .configuration, message: "the commit has no message")
        }
    }

    /// A conservative subset of `git check-ref-format --branch`.
    static func branchName(_ name: String, role: String) throws(GitProviderError) {
        let forbidden: Set<Character> = [" ", "~", "^", ":", "?", "*", "[", "\\", "\u{7F}"]
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let valid =
            !name.isEmpty && name.count <= 200
            && !name.hasPrefix("-") && !name.hasPrefix("/") && !name.hasSuffix("/")
            && !name.hasSuffix(".") && !name.hasSuffix(".lock") && name != "@"
            && !name.contains("..") && !name.contains("@{") && !name.contains("//")
            && !name.contains(where: { forbidden.contains($0) || $0.isNewline || ($0.asciiValue ?? 32) < 32 })
            && components.allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
        guard valid else {
            throw GitProviderError(
                kind: .configuration, message: "\(role) \"\(name.prefix(100))\" is not a valid git branch name")
        }
    }

    /// A relative path inside the repository, without `.` or `..` parts and outside `.git`.
    static func filePath(_ path: String) throws(GitProviderError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let valid =
            !path.isEmpty && path.count <= 500
            && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
            && components.first != ".git"
            && !path.contains(where: { $0 == "\\" || $0.isNewline || ($0.asciiValue ?? 32) < 32 })
        guard valid else {
            throw GitProviderError(
                kind: .configuration,
                message: "file path \"\(path.prefix(100))\" must be relative, without empty, '.' or '..' parts")
        }
    }
}

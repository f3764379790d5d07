import Foundation

/// The embedded default provider: commits the draft's files on a branch of a local repository
/// with the real `git` binary, and pushes the branch when a remote is configured.
///
/// There is no pull request on a plain repository, so the result's `url` is
/// `"<absolute repository path>#<branch>"` (for example `/var/lib/homeport/platform#homeport/web-1a2b3c`),
/// `number` is nil, `commit` is the branch's commit and `diff` is `git diff <base>...<branch>`.
///
/// The branch's commit is made with plumbing only (`hash-object -w`, a temporary index through
/// `GIT_INDEX_FILE` + `read-tree` + `update-index --add --cacheinfo`, `write-tree`, `commit-tree`),
/// and published last with a compare-and-swap `update-ref`: no working tree, index or `HEAD` is
/// touched, so a person's checkout of the same repository and concurrent calls are safe, and a
/// crash never leaves a half-made branch.
///
/// On first use, when `repositoryPath` holds no repository, it is created (`git init -b <base>`),
/// the seed folder is copied in and committed as "Import platform repository"; the repository
/// is built in a sibling folder and moved into place, so a failed import leaves nothing behind.
///
/// Opening the same draft again reuses the branch (`reused: true`) when its tree already holds
/// the same files; when the files differ, a new commit is added on top of the branch.
public struct GitCLIProvider: GitProvider {
    public static let defaultAuthorName = "Homeport"
    public static let defaultAuthorEmail = "homeport@localhost"

    /// Absolute, standardized path of the repository.
    public let repositoryPath: String
    public let seedPath: String?
    public let remote: String?

    let git: GitCommand
    let mutex = AsyncMutex()

    /// - Parameters:
    ///   - repositoryPath: the repository folder (a working copy or a bare repository); relative
    ///     paths are resolved against the current directory.
    ///   - seedPath: folder copied into the repository when it is created on first use; without
    ///     one, the repository starts with an empty commit.
    ///   - remote: a remote name of that repository or a URL; when set, each branch is pushed
    ///     with `git push <remote> refs/heads/<branch>:refs/heads/<branch>`.
    ///   - authorName: author and committer of Homeport's commits.
    ///   - authorEmail: author and committer e-mail.
    ///   - gitExecutable: path of `git`; found in PATH when nil.
    ///   - commandTimeout: seconds after which a git command (a hanging push) is terminated.
    public init(
        repositoryPath: String,
        seedPath: String? = nil,
        remote: String? = nil,
        authorName: String = GitCLIProvider.defaultAuthorName,
        authorEmail: String = GitCLIProvider.defaultAuthorEmail,
        gitExecutable: String? = nil,
        commandTimeout: Double = 120
    ) {
        self.repositoryPath = URL(fileURLWithPath: repositoryPath).standardizedFileURL.path
        self.seedPath = seedPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        self.remote = remote.flatMap { $0.isEmpty ? nil : $0 }
        git = GitCommand(
            executable: gitExecutable,
            author: (authorName, authorEmail),
            timeout: commandTimeout,
            redactor: Redactor(secrets: [])
        )
    }

    public func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        try DraftCheck.validate(draft)
        if let remote, remote.hasPrefix("-") {
            throw GitProviderError(
                kind: .configuration, message: "git remote \"\(remote.prefix(100))\" must not start with '-'")
        }
        await mutex.lock()
        let result: Result<PullRequestResult, GitProviderError>
        do {
            result = .success(try await open(draft))
        } catch {
            result = .failure(error)
        }
        await mutex.unlock()
        return try result.get()
    }

    // MARK: - Steps

    private func open(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        try await ensureRepository(base: draft.baseBranch)
        let baseRef = "refs/heads/\(draft.baseBranch)"
        let branchRef = "refs/heads/\(draft.branch)"
        guard let baseCommit = try await resolve(baseRef) else {
            throw GitProviderError(
                kind: .notFound, message: "branch \(draft.baseBranch) not found in repository \(repositoryPath)")
        }
        // A second round only when another writer moved the branch between our read and our update.
        for round in 1...2 {
            let existing = try await resolve(branchRef)
            if let existing, try await tree(of: existing, holds: draft.files) {
                try await push(draft.branch)
                return try await result(draft, commit: existing, reused: true)
            }
            let commit = try await makeCommit(
                parent: existing ?? baseCommit, files: draft.files, message: draft.commitMessage)
            let update = try await git.run(
                [
                    "update-ref", "-m",
                    "homeport: \(draft.title.split(whereSeparator: \.isNewline).joined(separator: " "))", branchRef,
                    commit, existing ?? "",
                ],
                in: repositoryPath
            )
            if update.status != 0 {
                if round == 1, try await resolve(branchRef) != existing {
                    continue
                }
                throw git.failure(["update-ref"], update)
            }
            try await push(draft.branch)
            return try await result(draft, commit: commit, reused: false)
        }
        throw GitProviderError(
            kind: .git, message: "branch \(draft.branch) kept changing while Homeport was writing it")
    }

    /// Creates the repository on first use: `git init -b <base>`, the seed copied in, one commit.
    private func ensureRepository(base: String) async throws(GitProviderError) {
        let files = FileManager.default
        if Self.isRepository(repositoryPath) {
            return
        }
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: repositoryPath, isDirectory: &isDirectory) {
            let entries = (try? files.contentsOfDirectory(atPath: repositoryPath)) ?? ["?"]
            guard isDirectory.boolValue, entries.isEmpty else {
                throw GitProviderError(
                    kind: .configuration,
                    message:
                        "\(repositoryPath) exists and is not a git repository; Homeport will not create one over it"
                )
            }
        }
        if let seedPath {
            guard files.fileExists(atPath: seedPath, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw GitProviderError(kind: .configuration, message: "seed folder \(seedPath) does not exist")
            }
        }

        let parent = (repositoryPath as NSString).deletingLastPathComponent
        let staging = "\(parent)/.\((repositoryPath as NSString).lastPathComponent).homeport-init-\(UUID().uuidString)"
        do {
            try files.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw GitProviderError(kind: .git, message: "could not create \(staging): \(error.localizedDescription)")
        }
        do throws(GitProviderError) {
            _ = try await git.check(["init", "--quiet", "-b", base], in: staging)
            var seeded = false
            if let seedPath {
                seeded = try copyContents(of: seedPath, into: staging)
            }
            _ = try await git.check(["add", "--all"], in: staging)
            _ = try await git.check(
                ["commit", "--quiet", "--no-verify", "--no-gpg-sign"] + (seeded ? [] : ["--allow-empty"]) + [
                    "-m", "Import platform repository",
                ],
                in: staging
            )
            if files.fileExists(atPath: repositoryPath) {
                try? files.removeItem(atPath: repositoryPath) // the empty folder checked above
            }
            do {
                try files.moveItem(atPath: staging, toPath: repositoryPath)
            } catch {
                throw GitProviderError(
                    kind: .git,
                    message: "could not move the new repository to \(repositoryPath): \(error.localizedDescription)")
            }
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
    }

    /// Copies the seed's entries (never a `.git`) into `folder`; returns whether anything was copied.
    private func copyContents(of seed: String, into folder: String) throws(GitProviderError) -> Bool {
        let files = FileManager.default
        do {
            let entries = try files.contentsOfDirectory(atPath: seed).filter { $0 != ".git" }.sorted()
            for entry in entries {
                try files.copyItem(atPath: "\(seed)/\(entry)", toPath: "\(folder)/\(entry)")
            }
            return !entries.isEmpty
        } catch {
            throw GitProviderError(
                kind: .git, message: "could not copy the seed folder \(seed): \(error.localizedDescription)")
        }
    }

    /// The commit a ref points to, or nil when the ref does not exist.
    private func resolve(_ ref: String) async throws(GitProviderError) -> String? {
        let output = try await git.run(["rev-parse", "--verify", "--quiet", "\(ref)^{commit}"], in: repositoryPath)
        return output.status == 0 ? output.line : nil
    }

    /// Whether `commit`'s tree has every file with exactly these bytes (as a regular file).
    private func tree(of commit: String, holds files: [PullRequestDraft.File]) async throws(GitProviderError) -> Bool {
        let listing = try await git.check(["ls-tree", "-z", commit, "--"] + files.map(\.path), in: repositoryPath)
        var entries: [String: (mode: String, object: String)] = [:]
        for record in listing.text.split(separator: "\0") {
            // "<mode> SP <type> SP <object> TAB <path>"
            guard let tab = record.firstIndex(of: "\t") else { continue }
            let fields = record[..<tab].split(separator: " ")
            guard fields.count == 3 else { continue }
            entries[String(record[record.index(after: tab)...])] = (String(fields[0]), String(fields[2]))
        }
        for file in files {
            guard let entry = entries[file.path], entry.mode == "100644" else { return false }
            let object = try await git.check(
                ["hash-object", "--stdin"], in: repositoryPath, input: Data(file.content.utf8)
            ).line
            if object != entry.object { return false }
        }
        return true
    }

    /// Writes blobs, a tree and a commit on top of `parent`, through a temporary index.
    private func makeCommit(parent: String, files: [PullRequestDraft.File], message: String)
        async throws(GitProviderError) -> String
    {
        let index = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-index-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: index) }
        let environment = ["GIT_INDEX_FILE": index]
        _ = try await git.check(["read-tree", parent], in: repositoryPath, environment: environment)
        for file in files {
            let blob = try await git.check(
                ["hash-object", "-w", "--stdin"], in: repositoryPath, input: Data(file.content.utf8)
            ).line
            _ = try await git.check(
                ["update-index", "--add", "--cacheinfo", "100644,\(blob),\(file.path)"],
                in: repositoryPath, environment: environment
            )
        }
        let tree = try await git.check(["write-tree"], in: repositoryPath, environment: environment).line
        let commitMessage = message.hasSuffix("\n") ? message : message + "\n"
        return try await git.check(
            ["commit-tree", "--no-gpg-sign", tree, "-p", parent],
            in: repositoryPath, input: Data(commitMessage.utf8)
        ).line
    }

    private func push(_ branch: String) async throws(GitProviderError) {
        guard let remote else { return }
        let ref = "refs/heads/\(branch)"
        let output = try await git.run(["push", "--quiet", remote, "\(ref):\(ref)"], in: repositoryPath)
        guard output.status == 0 else {
            let reason = output.status == GitCommand.timedOut ? "timed out" : "exit \(output.status)"
            let stderr = git.redactor.excerpt(output.stderr, limit: 500)
            throw GitProviderError(
                kind: .git,
                message:
                    "git push to \(Redactor.stripURLCredentials(remote)) failed (\(reason))\(stderr.isEmpty ? "" : ": \(stderr)")"
            )
        }
    }

    private func result(_ draft: PullRequestDraft, commit: String, reused: Bool) async throws(GitProviderError)
        -> PullRequestResult
    {
        let diff = try await git.check(
            [
                "diff", "--no-color", "--no-ext-diff", "refs/heads/\(draft.baseBranch)...refs/heads/\(draft.branch)",
                "--",
            ],
            in: repositoryPath
        ).text
        return PullRequestResult(
            url: "\(repositoryPath)#\(draft.branch)",
            number: nil,
            branch: draft.branch,
            commit: commit,
            diff: diff,
            reused: reused
        )
    }

    /// A working copy (`path/.git`) or a bare repository (`HEAD`, `objects/`, `refs/`).
    static func isRepository(_ path: String) -> Bool {
        let files = FileManager.default
        if files.fileExists(atPath: "\(path)/.git") {
            return true
        }
        var isDirectory: ObjCBool = false
        return files.fileExists(atPath: "\(path)/HEAD")
            && files.fileExists(atPath: "\(path)/objects", isDirectory: &isDirectory) && isDirectory.boolValue
            && files.fileExists(atPath: "\(path)/refs", isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

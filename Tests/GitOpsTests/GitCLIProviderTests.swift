import FakeUpstreams
import Foundation
import Testing

@testable import GitOps

@Suite("GitCLIProvider on real temporary repositories")
struct GitCLIProviderTests {
    let branch = Drafts.branch

    @Test("first use creates the repository from the seed, then commits the branch without touching main")
    func firstUseImportsSeed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let seed = try makeSeed(in: folder)
        let repository = folder.path + "/data/platform"
        let provider = GitCLIProvider(repositoryPath: repository, seedPath: seed)

        let result = try await provider.openPullRequest(Drafts.web())

        // The import: one commit on main, by Homeport, with the seed's files.
        #expect(
            try git(["log", "--format=%s|%an <%ae>", "main"], in: repository)
                == "Import platform repository|Homeport <homeport@localhost>")
        #expect(try git(["show", "main:README.md"], in: repository) == "# Homelab platform")
        #expect(
            try git(["ls-tree", "-r", "--name-only", "main"], in: repository).split(separator: "\n") == [
                "README.md", "apps/web/catalog-info.yaml", "gitops/apps/.keep", "platform/inventory.yaml",
            ])
        // The branch: one commit on top of main with the files at their paths.
        let head = try git(["rev-parse", "refs/heads/\(branch)"], in: repository)
        #expect(try git(["rev-parse", "\(branch)^"], in: repository) == git(["rev-parse", "main"], in: repository))
        #expect(try git(["show", "\(branch):\(Drafts.manifestPath)"], in: repository) + "\n" == Drafts.manifest)
        #expect(
            try git(["show", "\(branch):\(Drafts.kustomizationPath)"], in: repository) + "\n" == Drafts.kustomization)
        #expect(
            try git(["log", "-1", "--format=%s|%an <%ae>", branch], in: repository)
                == "\(Drafts.message)|Homeport <homeport@localhost>")
        // Nothing else moved: HEAD still on main, clean working tree without the new files.
        #expect(try git(["symbolic-ref", "HEAD"], in: repository) == "refs/heads/main")
        #expect(try git(["status", "--porcelain"], in: repository) == "")
        #expect(!FileManager.default.fileExists(atPath: repository + "/" + Drafts.manifestPath))
        // No staging folder left next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/data") == ["platform"])

        #expect(result.url == "\(repository)#\(branch)")
        #expect(result.number == nil)
        #expect(result.branch == branch)
        #expect(result.commit == head)
        #expect(result.reused == false)
        let diff = try #require(result.diff)
        #expect(diff.contains("+++ b/\(Drafts.manifestPath)"))
        #expect(diff.contains("+    homeport.dev/description: \"Café menu, served by nginx\""))
        #expect(diff.contains("+++ b/\(Drafts.kustomizationPath)"))
    }

    @Test("opening the same draft again reuses the branch and makes no commit")
    func reusesBranch() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let provider = GitCLIProvider(repositoryPath: folder.path + "/repo", seedPath: try makeSeed(in: folder))
        let first = try await provider.openPullRequest(Drafts.web())
        let second = try await provider.openPullRequest(Drafts.web())
        #expect(first.reused == false)
        #expect(second.reused == true)
        #expect(second.commit == first.commit)
        #expect(second.diff == first.diff)
        #expect(try git(["rev-list", "--count", branch], in: folder.path + "/repo") == "2")
    }

    @Test("git commands give their pipes back: twenty pull requests leave no descriptors open")
    func noDescriptorLeak() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let provider = GitCLIProvider(repositoryPath: folder.path + "/repo", seedPath: try makeSeed(in: folder))
        _ = try await provider.openPullRequest(Drafts.web(branch: "homeport/warm-up"))
        let before = try openPipes()
        for index in 0..<20 {
            _ = try await provider.openPullRequest(Drafts.web(branch: "homeport/app-\(index)"))
        }
        // Other suites run at the same time and spawn processes of their own, whose pipes come and
        // go; a leaked pipe stays. So the fewest seen over a second is what stays: a leak would be
        // two or more per git command, hundreds for twenty pull requests.
        var after = Int.max
        for _ in 0..<10 {
            after = min(after, try openPipes())
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(after - before < 40, "\(before) pipes open before, \(after) after")
    }

    /// The pipes this test process holds open now, from `/proc/self/fd`.
    private func openPipes() throws -> Int {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        return descriptors.count { name in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name)
            return target?.hasPrefix("pipe:") == true
        }
    }

    @Test("changed files on a retry add one commit on top of the branch")
    func updatesBranch() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = folder.path + "/repo"
        let provider = GitCLIProvider(repositoryPath: repository, seedPath: try makeSeed(in: folder))
        let first = try await provider.openPullRequest(Drafts.web())
        let changed = Drafts.manifest.replacingOccurrences(of: "nginx", with: "caddy")
        let second = try await provider.openPullRequest(Drafts.web(manifest: changed))
        #expect(second.reused == false)
        #expect(second.commit != first.commit)
        #expect(try git(["rev-parse", "\(branch)^"], in: repository) == first.commit)
        #expect(try git(["show", "\(branch):\(Drafts.manifestPath)"], in: repository) + "\n" == changed)
        #expect(second.diff?.contains("served by caddy") == true)
    }

    @Test("a person's checkout keeps its HEAD, index and uncommitted changes")
    func userCheckoutUntouched() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        try git(["checkout", "--quiet", "-b", "my-work"], in: repository)
        try folder.write("work/README.md", "# platform\n\nedited, not committed\n")
        try folder.write("work/staged.txt", "staged\n")
        try git(["add", "staged.txt"], in: repository)
        let status = try git(["status", "--porcelain"], in: repository)
        let staged = try git(["diff", "--cached"], in: repository)
        let main = try git(["rev-parse", "main"], in: repository)

        let result = try await GitCLIProvider(repositoryPath: repository).openPullRequest(Drafts.web())

        #expect(try git(["status", "--porcelain"], in: repository) == status)
        #expect(try git(["diff", "--cached"], in: repository) == staged)
        #expect(try git(["symbolic-ref", "HEAD"], in: repository) == "refs/heads/my-work")
        #expect(try git(["rev-parse", "main"], in: repository) == main)
        #expect(
            try git(["ls-tree", "-r", "--name-only", branch], in: repository).split(separator: "\n") == [
                "README.md", "gitops/apps/ai-generated/web/kustomization.yaml",
                "gitops/apps/ai-generated/web/manifest.yaml",
                "gitops/apps/existing.yaml",
            ])
        #expect(result.url == "\(repository)#\(branch)")
    }

    @Test("the branch is pushed to a bare repository configured as remote")
    func pushesToRemote() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        let bare = folder.path + "/remote.git"
        try git(["init", "--quiet", "--bare", bare], in: folder.path)
        try git(["remote", "add", "origin", bare], in: repository)

        let byName = try await GitCLIProvider(repositoryPath: repository, remote: "origin").openPullRequest(
            Drafts.web())
        #expect(try git(["rev-parse", "refs/heads/\(branch)"], in: bare) == byName.commit)

        let other = Drafts.web(branch: "homeport/api-9f8e7d")
        let byURL = try await GitCLIProvider(repositoryPath: repository, remote: bare).openPullRequest(other)
        #expect(try git(["rev-parse", "refs/heads/homeport/api-9f8e7d"], in: bare) == byURL.commit)
    }

    @Test("a push that fails is a git error with git's own words, and the next attempt pushes")
    func failingPush() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        let missing = folder.path + "/missing.git"
        let provider = GitCLIProvider(repositoryPath: repository, remote: missing)

        let error = try #require(await failure { try await provider.openPullRequest(Drafts.web()) })
        #expect(error.kind == .git)
        #expect(
            error.message.hasPrefix(
                "git push to \(missing) failed (exit 128): fatal: '\(missing)' does not appear to be a git repository"))

        // The branch is complete locally; once the remote exists, the retry reuses and pushes it.
        try git(["init", "--quiet", "--bare", missing], in: folder.path)
        let result = try await provider.openPullRequest(Drafts.web())
        #expect(result.reused == true)
        #expect(try git(["rev-parse", "refs/heads/\(branch)"], in: missing) == result.commit)
    }

    @Test("credentials in a remote URL never reach the error message")
    func remoteCredentialsHidden() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        let secret = "s3cr3t-remote-token"
        let provider = GitCLIProvider(
            repositoryPath: repository, remote: "http://homeport:\(secret)@127.0.0.1:\(closedPort())/platform.git")
        let error = try #require(await failure { try await provider.openPullRequest(Drafts.web()) })
        #expect(error.kind == .git)
        #expect(!error.message.contains(secret), "\(error.message)")
        #expect(error.message.contains("[redacted]@127.0.0.1"))
    }

    @Test("two requests at once, for different branches and for the same one")
    func concurrentOpens() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = folder.path + "/repo"
        let provider = GitCLIProvider(repositoryPath: repository, seedPath: try makeSeed(in: folder))
        async let web = provider.openPullRequest(Drafts.web())
        async let webAgain = provider.openPullRequest(Drafts.web())
        async let api = provider.openPullRequest(Drafts.web(branch: "homeport/api-9f8e7d"))
        let results = try await [web, webAgain, api]
        #expect(results.filter { $0.branch == branch }.map(\.reused).sorted { !$0 && $1 } == [false, true])
        #expect(results[0].commit == results[1].commit)
        #expect(try git(["rev-list", "--count", branch], in: repository) == "2")
        #expect(try git(["rev-list", "--count", "homeport/api-9f8e7d"], in: repository) == "2")
        #expect(try git(["log", "--format=%s", "main"], in: repository) == "Import platform repository")
    }

    @Test("without a seed the repository starts with an empty commit")
    func noSeed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = folder.path + "/empty"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        let result = try await GitCLIProvider(repositoryPath: repository).openPullRequest(Drafts.web(base: "trunk"))
        #expect(try git(["log", "--format=%s", "trunk"], in: repository) == "Import platform repository")
        #expect(try git(["ls-tree", "-r", "--name-only", "trunk"], in: repository) == "")
        #expect(result.reused == false)
    }

    @Test("a bare repository works as well")
    func bareRepository() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let work = try makeWorkingCopy(in: folder)
        let bare = folder.path + "/platform.git"
        try git(["clone", "--quiet", "--bare", work, bare], in: folder.path)
        let result = try await GitCLIProvider(repositoryPath: bare).openPullRequest(Drafts.web())
        #expect(try git(["show", "\(branch):\(Drafts.kustomizationPath)"], in: bare) + "\n" == Drafts.kustomization)
        #expect(result.url == "\(bare)#\(branch)")
    }

    @Test("a relative repository path is reported absolute")
    func relativePath() {
        let provider = GitCLIProvider(repositoryPath: "data/../data/platform")
        #expect(provider.repositoryPath == FileManager.default.currentDirectoryPath + "/data/platform")
    }

    @Test("a missing base branch is notFound")
    func missingBase() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        let error = try #require(
            await failure {
                try await GitCLIProvider(repositoryPath: repository).openPullRequest(Drafts.web(base: "develop"))
            })
        #expect(error.kind == .notFound)
        #expect(error.message == "branch develop not found in repository \(repository)")
    }

    @Test("a folder with files that is not a repository is left alone")
    func refusesForeignFolder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("notes/todo.txt", "keep me\n")
        let error = try #require(
            await failure {
                try await GitCLIProvider(repositoryPath: folder.path + "/notes").openPullRequest(Drafts.web())
            })
        #expect(error.kind == .configuration)
        #expect(FileManager.default.fileExists(atPath: folder.path + "/notes/todo.txt"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/notes/.git"))
    }

    @Test("a missing seed folder is a configuration error and creates nothing")
    func missingSeed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = folder.path + "/repo"
        let error = try #require(
            await failure {
                try await GitCLIProvider(repositoryPath: repository, seedPath: folder.path + "/nope").openPullRequest(
                    Drafts.web())
            })
        #expect(error.kind == .configuration)
        #expect(!FileManager.default.fileExists(atPath: repository))
    }

    @Test("a remote that looks like an option is refused")
    func optionLikeRemote() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let repository = try makeWorkingCopy(in: folder)
        let error = try #require(
            await failure {
                try await GitCLIProvider(repositoryPath: repository, remote: "--upload-pack=touch /tmp/x")
                    .openPullRequest(Drafts.web())
            })
        #expect(error.kind == .configuration)
    }

    @Test("a missing git binary is a git error")
    func missingGit() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let provider = GitCLIProvider(repositoryPath: folder.path + "/repo", gitExecutable: "/nonexistent/git")
        let error = try #require(await failure { try await provider.openPullRequest(Drafts.web()) })
        #expect(error.kind == .git)
    }
}

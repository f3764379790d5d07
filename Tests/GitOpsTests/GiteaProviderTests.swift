import FakeUpstreams
import Foundation
import HTTPClient
import Testing

@testable import GitOps

extension ForgeTests {
    @Suite("GiteaProvider against a fake Gitea over HTTP")
    struct GiteaProviderTests {
        static let token = "gitea_0123456789abcdef0123456789abcdef01234567"
        let repo = "/api/v1/repos/homelab/platform"
        let branch = "homeport/web-1a2b3c"

        func provider(
            port: Int, repository: String = "homelab/platform", retry: RetryPolicy = fastRetry, trace: TraceLog? = nil
        ) throws -> GiteaProvider {
            try GiteaProvider(
                apiURL: "http://127.0.0.1:\(port)/api/v1",
                repository: repository,
                token: Self.token,
                retry: retry,
                trace: handler(trace)
            )
        }

        @Test("opens a pull request: branch and files in one ChangeFiles commit, then the pull")
        func opensPullRequest() async throws {
            let fake = FakeGitea()
            try await serve(fake) { port in
                let trace = TraceLog()
                let result = try await provider(port: port, trace: trace).openPullRequest(Drafts.web())

                #expect(
                    await fake.lines() == [
                        "GET \(repo)/branches/homeport/web-1a2b3c",
                        "GET \(repo)/contents/\(Drafts.manifestPath)?ref=main",
                        "GET \(repo)/contents/\(Drafts.kustomizationPath)?ref=main",
                        "POST \(repo)/contents",
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c",
                        "POST \(repo)/pulls",
                    ])
                let requests = await fake.recorded()
                #expect(
                    requests[3].body == [
                        "branch": "main",
                        "new_branch": "homeport/web-1a2b3c",
                        "message": .string(Drafts.message),
                        "files": [
                            [
                                "operation": "create", "path": .string(Drafts.manifestPath),
                                "content": .string(Drafts.base64(Drafts.manifest)),
                            ],
                            [
                                "operation": "create", "path": .string(Drafts.kustomizationPath),
                                "content": .string(Drafts.base64(Drafts.kustomization)),
                            ],
                        ],
                    ])
                #expect(
                    requests[5].body == [
                        "base": "main",
                        "body": .string(Drafts.body),
                        "head": "homeport/web-1a2b3c",
                        "title": .string(Drafts.title),
                    ])
                for request in requests {
                    #expect(request.headers["authorization"] == "token \(Self.token)")
                    #expect(request.headers["accept"] == "application/json")
                    #expect(request.headers["user-agent"] == "homeport")
                    #expect(request.headers["content-type"] == (request.method == "GET" ? nil : "application/json"))
                }

                let commit = await fake.refs[branch]
                #expect(
                    result
                        == PullRequestResult(
                            url: "https://gitea.homelab.local/homelab/platform/pulls/1",
                            number: 1,
                            branch: branch,
                            commit: commit,
                            diff: nil,
                            reused: false
                        ))
                #expect(await fake.file(Drafts.manifestPath, on: branch) == Drafts.manifest)
                #expect(await fake.file(Drafts.manifestPath, on: "main") == nil)
                let pull = try #require(await fake.pull(1))
                #expect(
                    pull.title == Drafts.title && pull.body == Drafts.body && pull.head == branch && pull.base == "main"
                )
                expectNoLeak(of: Self.token, traces: trace.lines, requests: requests)
            }
        }

        @Test("opening the same draft twice opens one pull request and reuses it")
        func idempotent() async throws {
            let fake = FakeGitea()
            try await serve(fake) { port in
                let gitea = try provider(port: port)
                let first = try await gitea.openPullRequest(Drafts.web())
                let before = await fake.requests.count
                let second = try await gitea.openPullRequest(Drafts.web())

                #expect(await fake.pulls.count == 1)
                #expect(first.reused == false && second.reused == true)
                #expect(second.url == first.url && second.number == first.number && second.commit == first.commit)
                #expect(
                    Array(await fake.lines().dropFirst(before)) == [
                        "GET \(repo)/branches/homeport/web-1a2b3c",
                        "GET \(repo)/contents/\(Drafts.manifestPath)?ref=homeport/web-1a2b3c",
                        "GET \(repo)/contents/\(Drafts.kustomizationPath)?ref=homeport/web-1a2b3c",
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c",
                    ])
            }
        }

        @Test("an existing branch gets one update commit, with the blob sha of changed files only")
        func updatesExistingBranch() async throws {
            let fake = FakeGitea()
            await fake.seed(
                branch: branch,
                files: [Drafts.manifestPath: "kind: Old\n", Drafts.kustomizationPath: Drafts.kustomization])
            try await serve(fake) { port in
                _ = try await provider(port: port).openPullRequest(Drafts.web())
                let change = try #require(
                    await fake.recorded().first { $0.method == "POST" && $0.path == "\(repo)/contents" })
                #expect(change.body?.keys == ["branch", "files", "message"])
                #expect(change.body?["branch"] == .string(branch))
                let files = try #require(change.body?["files"]?.array)
                #expect(files.count == 1)
                #expect(files.first?["operation"] == "update")
                #expect(files.first?["path"] == .string(Drafts.manifestPath))
                #expect(files.first?["sha"]?.string?.hasPrefix("a") == true)
                #expect(await fake.file(Drafts.manifestPath, on: branch) == Drafts.manifest)
            }
        }

        @Test("409 on create: the existing pull request is found and reused")
        func conflictReusesPull() async throws {
            let fake = FakeGitea()
            await fake.seed(
                branch: branch,
                files: [Drafts.manifestPath: Drafts.manifest, Drafts.kustomizationPath: Drafts.kustomization])
            let number = await fake.seedPull(head: branch, title: "Earlier attempt")
            // The lookup misses the pull request once (it was opened meanwhile), then finds it.
            await fake.inject(404, method: "GET", path: "/pulls/main/", body: jsonFixture("gitea/error-not-found.json"))
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == true)
                #expect(result.number == number)
                #expect(await fake.pulls.count == 1)
                #expect(
                    await fake.lines().suffix(3) == [
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c",
                        "POST \(repo)/pulls",
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c",
                    ])
            }
        }

        @Test("422 'already exists' on create is treated like 409")
        func validationAlreadyExists() async throws {
            let fake = FakeGitea()
            await fake.seed(branch: branch, files: [:])
            let number = await fake.seedPull(head: branch)
            // The lookup misses the pull request once (it was opened meanwhile), then finds it.
            await fake.inject(404, method: "GET", path: "/pulls/main/", body: jsonFixture("gitea/error-not-found.json"))
            await fake.inject(
                422, method: "POST", path: "/pulls",
                body: ["message": "pull request already exists for these targets", "url": ""])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == true && result.number == number)
            }
        }

        @Test("the pull request is looked up with one call, however many are open")
        func oneLookup() async throws {
            let fake = FakeGitea(maxPageSize: 20)
            for index in 0..<120 {
                await fake.seedPull(head: "feature/\(index)")
            }
            await fake.seed(
                branch: branch,
                files: [Drafts.manifestPath: Drafts.manifest, Drafts.kustomizationPath: Drafts.kustomization])
            let number = await fake.seedPull(head: branch)
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == true && result.number == number)
                #expect(
                    await fake.lines().filter { $0.contains("/pulls") } == [
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c"
                    ])
            }
        }

        @Test("a closed pull request from the branch is not reused: a new one is opened")
        func closedPullNotReused() async throws {
            let fake = FakeGitea()
            await fake.seed(
                branch: branch,
                files: [Drafts.manifestPath: Drafts.manifest, Drafts.kustomizationPath: Drafts.kustomization])
            let closed = await fake.seedPull(head: branch, state: "closed")
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == false && result.number != closed)
                #expect(
                    await fake.lines().filter { $0.contains("/pulls") } == [
                        "GET \(repo)/pulls/main/homeport/web-1a2b3c", "POST \(repo)/pulls",
                    ])
            }
        }

        @Test("files already on the base: the branch is created from it, then the pull request is opened")
        func nothingToCommit() async throws {
            let fake = FakeGitea(files: [
                Drafts.manifestPath: Drafts.manifest, Drafts.kustomizationPath: Drafts.kustomization,
            ])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == false)
                let create = try #require(
                    await fake.recorded().first { $0.method == "POST" && $0.path == "\(repo)/branches" })
                #expect(create.body == ["new_branch_name": "homeport/web-1a2b3c", "old_ref_name": "main"])
                #expect(
                    await fake.recorded().contains { $0.path == "\(repo)/contents" && $0.method == "POST" } == false)
            }
        }

        @Test("a branch made by a lost earlier answer (422 on new_branch) is picked up")
        func branchAppearedMeanwhile() async throws {
            let fake = FakeGitea()
            // The first branch lookup misses the branch that an earlier, timed-out ChangeFiles created.
            await fake.seed(branch: branch, files: [Drafts.manifestPath: Drafts.manifest])
            await fake.inject(404, method: "GET", path: "/branches/", body: jsonFixture("gitea/error-not-found.json"))
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == false)
                let changes = await fake.recorded().filter { $0.method == "POST" && $0.path == "\(repo)/contents" }
                #expect(changes.count == 2)
                #expect(changes[0].body?["new_branch"] == .string(branch))
                #expect(changes[1].body?["new_branch"] == nil)
                #expect(changes[1].body?["files"]?.array?.map { $0["path"] } == [.string(Drafts.kustomizationPath)])
                #expect(await fake.file(Drafts.kustomizationPath, on: branch) == Drafts.kustomization)
            }
        }

        @Test("a missing repository or base branch is notFound and names both")
        func missingRepository() async throws {
            try await serve(FakeGitea()) { port in
                let error = try #require(
                    await failure {
                        try await provider(port: port, repository: "homelab/nope").openPullRequest(Drafts.web())
                    })
                #expect(error.kind == .notFound)
                #expect(error.message.hasPrefix("repository homelab/nope or branch main not found"))
                let base = try #require(
                    await failure { try await provider(port: port).openPullRequest(Drafts.web(base: "develop")) })
                #expect(base.kind == .notFound)
                #expect(base.message.hasPrefix("repository homelab/platform or branch develop not found"))
            }
        }

        struct StatusCase: Sendable, CustomTestStringConvertible {
            var status: Int
            var headers: [String: String] = [:]
            var fixtureName: String
            var kind: GitProviderError.Kind
            var testDescription: String { "\(status) -> \(kind)" }
        }

        @Test(
            "upstream statuses become classified errors",
            arguments: [
                StatusCase(status: 401, fixtureName: "gitea/error-unauthorized.json", kind: .unauthorized),
                StatusCase(status: 403, fixtureName: "gitea/error-forbidden.json", kind: .forbidden),
                StatusCase(
                    status: 429, headers: ["Retry-After": "30"], fixtureName: "gitea/error-forbidden.json",
                    kind: .rateLimited),
                StatusCase(status: 500, fixtureName: "gitea/error-not-found.json", kind: .upstream),
            ])
        func statuses(_ item: StatusCase) async throws {
            let fake = FakeGitea()
            await fake.inject(item.status, headers: item.headers, body: jsonFixture(item.fixtureName), times: .max)
            try await serve(fake) { port in
                let trace = TraceLog()
                let error = try #require(
                    await failure { try await provider(port: port, trace: trace).openPullRequest(Drafts.web()) })
                #expect(error.kind == item.kind)
                #expect(await fake.requests.count == (item.status == 500 ? fastRetry.maxAttempts : 1))
                if item.status == 429 {
                    #expect(error.retryAfter == 30)
                }
                if item.status == 401 {
                    #expect(
                        error.message
                            == "Gitea: the token was refused (401) for GET /repos/homelab/platform/branches/homeport/web-1a2b3c"
                    )
                }
                expectNoLeak(of: Self.token, errors: [error], traces: trace.lines, requests: await fake.recorded())
            }
        }

        @Test("500 then success on the commit: retried, one commit, one pull request")
        func retriesServerError() async throws {
            let fake = FakeGitea()
            await fake.inject(500, method: "POST", path: "/contents", body: ["message": "", "url": ""])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.number == 1)
                #expect(await fake.lines().filter { $0 == "POST \(repo)/contents" }.count == 2)
                #expect(await fake.pulls.count == 1)
            }
        }

        @Test("a refused connection ends as upstream")
        func refused() async throws {
            let port = closedPort()
            let error = try #require(await failure { try await provider(port: port).openPullRequest(Drafts.web()) })
            #expect(error.kind == .upstream)
            #expect(error.message.contains("connection refused"))
            expectNoLeak(of: Self.token, errors: [error])
        }
    }
}

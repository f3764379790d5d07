import FakeUpstreams
import Foundation
import HTTPClient
import Testing

@testable import GitOps

extension ForgeTests {
    @Suite("GitHubProvider against a fake GitHub over HTTP")
    struct GitHubProviderTests {
        static let token = "ghp_h0mep0rtT3stT0ken4GitHub000000000000"
        let repo = "/repos/homelab/platform"

        func provider(port: Int, retry: RetryPolicy = fastRetry, trace: TraceLog? = nil) throws -> GitHubProvider {
            try GitHubProvider(
                apiURL: "http://127.0.0.1:\(port)",
                repository: "homelab/platform",
                token: Self.token,
                retry: retry,
                trace: handler(trace)
            )
        }

        @Test("opens a pull request with the exact requests GitHub documents")
        func opensPullRequest() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let trace = TraceLog()
                let result = try await provider(port: port, trace: trace).openPullRequest(Drafts.web())

                let manifest = "\(repo)/contents/\(Drafts.manifestPath)"
                let kustomization = "\(repo)/contents/\(Drafts.kustomizationPath)"
                #expect(
                    await fake.lines() == [
                        "GET \(repo)/git/ref/heads/main",
                        "POST \(repo)/git/refs",
                        "GET \(manifest)?ref=homeport/web-1a2b3c",
                        "PUT \(manifest)",
                        "GET \(kustomization)?ref=homeport/web-1a2b3c",
                        "PUT \(kustomization)",
                        "GET \(repo)/pulls?head=homelab:homeport/web-1a2b3c&state=open",
                        "POST \(repo)/pulls",
                    ])

                let requests = await fake.recorded()
                #expect(
                    requests[1].body == [
                        "ref": "refs/heads/homeport/web-1a2b3c",
                        "sha": "1000000000000000000000000000000000000001",
                    ])
                #expect(
                    requests[3].body == [
                        "branch": "homeport/web-1a2b3c",
                        "content": .string(Drafts.base64(Drafts.manifest)),
                        "message": .string(Drafts.message),
                    ])
                #expect(requests[5].body?["content"] == .string(Drafts.base64(Drafts.kustomization)))
                #expect(
                    requests[7].body == [
                        "base": "main",
                        "body": .string(Drafts.body),
                        "head": "homeport/web-1a2b3c",
                        "title": .string(Drafts.title),
                    ])
                for request in requests {
                    #expect(request.headers["authorization"] == "Bearer \(Self.token)")
                    #expect(request.headers["accept"] == "application/vnd.github+json")
                    #expect(request.headers["x-github-api-version"] == "2022-11-28")
                    #expect(request.headers["user-agent"] == "homeport")
                    #expect(request.headers["content-type"] == (request.method == "GET" ? nil : "application/json"))
                }

                let branchHead = await fake.refs["homeport/web-1a2b3c"]
                #expect(
                    result
                        == PullRequestResult(
                            url: "https://github.com/homelab/platform/pull/1347",
                            number: 1347,
                            branch: "homeport/web-1a2b3c",
                            commit: branchHead,
                            diff: nil,
                            reused: false
                        ))
                #expect(await fake.file(Drafts.manifestPath, on: "homeport/web-1a2b3c") == Drafts.manifest)
                #expect(await fake.file(Drafts.manifestPath, on: "main") == nil)
                let pull = try #require(await fake.pull(1347))
                #expect(
                    pull.title == Drafts.title && pull.body == Drafts.body && pull.head == Drafts.branch
                        && pull.base == "main")
                #expect(trace.lines.count == 8)
                #expect(
                    trace.lines.first?.hasPrefix("GET http://127.0.0.1:\(port)\(repo)/git/ref/heads/main -> 200 (")
                        == true)
                expectNoLeak(of: Self.token, traces: trace.lines, requests: requests)
            }
        }

        @Test("opening the same draft twice opens one pull request and reuses it")
        func idempotent() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let github = try provider(port: port)
                let first = try await github.openPullRequest(Drafts.web())
                let before = await fake.requests.count
                let second = try await github.openPullRequest(Drafts.web())

                #expect(await fake.pulls.count == 1)
                #expect(first.reused == false)
                #expect(second.reused == true)
                #expect(second.url == first.url && second.number == first.number && second.commit == first.commit)
                let retry = await fake.lines().dropFirst(before)
                #expect(
                    Array(retry) == [
                        "GET \(repo)/git/ref/heads/main",
                        "POST \(repo)/git/refs",
                        "GET \(repo)/contents/\(Drafts.manifestPath)?ref=homeport/web-1a2b3c",
                        "GET \(repo)/contents/\(Drafts.kustomizationPath)?ref=homeport/web-1a2b3c",
                        "GET \(repo)/pulls?head=homelab:homeport/web-1a2b3c&state=open",
                    ])
                #expect(await fake.commitCount() == 2)
            }
        }

        @Test("a retry after a crash between the branch and the pull request finishes the job")
        func resumesAfterCrash() async throws {
            let fake = FakeGitHub()
            // An earlier attempt created the branch and wrote one of the two files, then died.
            await fake.seed(branch: Drafts.branch, files: [Drafts.manifestPath: Drafts.manifest])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == false)
                let puts = await fake.recorded().filter { $0.method == "PUT" }
                #expect(puts.map(\.path) == ["\(repo)/contents/\(Drafts.kustomizationPath)"])
                #expect(await fake.pulls.count == 1)
                #expect(await fake.file(Drafts.kustomizationPath, on: Drafts.branch) == Drafts.kustomization)
            }
        }

        @Test("a file that changed since the earlier attempt is updated with its blob sha")
        func updatesChangedFile() async throws {
            let fake = FakeGitHub()
            await fake.seed(branch: Drafts.branch, files: [Drafts.manifestPath: "kind: Old\n"])
            try await serve(fake) { port in
                _ = try await provider(port: port).openPullRequest(Drafts.web())
                let requests = await fake.recorded()
                let lookup = try #require(requests.first { $0.method == "GET" && $0.path.hasSuffix("manifest.yaml") })
                #expect(lookup.query["ref"] == Drafts.branch)
                let put = try #require(requests.first { $0.method == "PUT" && $0.path.hasSuffix("manifest.yaml") })
                let sha = try #require(put.body?["sha"]?.string)
                #expect(sha.hasPrefix("b"))
                #expect(put.body?.keys == ["branch", "content", "message", "sha"])
                #expect(await fake.file(Drafts.manifestPath, on: Drafts.branch) == Drafts.manifest)
            }
        }

        @Test("a conflicting write (409) is read again and retried once")
        func writeConflict() async throws {
            let fake = FakeGitHub()
            await fake.inject(409, method: "PUT", body: ["message": "does not match"])
            try await serve(fake) { port in
                _ = try await provider(port: port).openPullRequest(Drafts.web())
                let manifestRequests = await fake.lines().filter { $0.contains("manifest.yaml") }
                #expect(
                    manifestRequests == [
                        "GET \(repo)/contents/\(Drafts.manifestPath)?ref=homeport/web-1a2b3c",
                        "PUT \(repo)/contents/\(Drafts.manifestPath)",
                        "GET \(repo)/contents/\(Drafts.manifestPath)?ref=homeport/web-1a2b3c",
                        "PUT \(repo)/contents/\(Drafts.manifestPath)",
                    ])
                #expect(await fake.pulls.count == 1)
            }
        }

        @Test("422 'A pull request already exists' lists again and reuses the open one")
        func createRaceReusesPull() async throws {
            let fake = FakeGitHub()
            let number = await fake.seedPull(head: Drafts.branch, title: "Earlier attempt")
            await fake.seed(branch: Drafts.branch, files: [:])
            // The first listing misses it (an eventually consistent search), the create answers 422.
            await fake.inject(200, method: "GET", path: "/pulls", body: [])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == true)
                #expect(result.number == number)
                #expect(await fake.pulls.count == 1)
                #expect(
                    await fake.lines().suffix(3) == [
                        "GET \(repo)/pulls?head=homelab:homeport/web-1a2b3c&state=open",
                        "POST \(repo)/pulls",
                        "GET \(repo)/pulls?head=homelab:homeport/web-1a2b3c&state=open",
                    ])
            }
        }

        @Test("a closed pull request from the same branch is not reused")
        func closedPullNotReused() async throws {
            let fake = FakeGitHub()
            _ = await fake.seedPull(head: Drafts.branch, state: "closed")
            await fake.seed(branch: Drafts.branch, files: [:])
            try await serve(fake) { port in
                let result = try await provider(port: port).openPullRequest(Drafts.web())
                #expect(result.reused == false)
                #expect(result.number == 1348)
            }
        }

        struct StatusCase: Sendable, CustomTestStringConvertible {
            var status: Int
            var headers: [String: String] = [:]
            var fixtureName: String
            var kind: GitProviderError.Kind
            var messageContains: String
            /// Bounds of the expected `retryAfter`, for rate limits.
            var retryAfter: ClosedRange<Double>? = nil
            var testDescription: String {
                "\(status) \(headers.keys.sorted().joined(separator: ",")) \(fixtureName) -> \(kind)"
            }
        }

        @Test(
            "upstream statuses become classified errors",
            arguments: [
                StatusCase(
                    status: 401, fixtureName: "github/error-bad-credentials.json", kind: .unauthorized,
                    messageContains: "the token was refused (401)"),
                StatusCase(
                    status: 403, fixtureName: "github/error-forbidden.json", kind: .forbidden,
                    messageContains: "Resource not accessible by personal access token"),
                StatusCase(
                    status: 404, fixtureName: "github/error-not-found.json", kind: .notFound,
                    messageContains: "repository homelab/platform or branch main not found"),
                StatusCase(
                    status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000"],
                    fixtureName: "github/error-rate-limit-exceeded.json", kind: .rateLimited,
                    messageContains: "rate limit",
                    retryAfter: 3500...3600),
                StatusCase(
                    status: 403, headers: ["Retry-After": "60"], fixtureName: "github/error-rate-limit-exceeded.json",
                    kind: .rateLimited, messageContains: "resets in 60 s", retryAfter: 60...60),
                StatusCase(
                    status: 429, headers: ["Retry-After": "120"], fixtureName: "github/error-rate-limit-exceeded.json",
                    kind: .rateLimited, messageContains: "resets in 120 s", retryAfter: 120...120),
                // GitHub's secondary limit without Retry-After: "wait for at least one minute".
                StatusCase(
                    status: 403, fixtureName: "github/error-secondary-rate-limit.json", kind: .rateLimited,
                    messageContains: "resets in 60 s", retryAfter: 60...60),
                StatusCase(
                    status: 429, fixtureName: "github/error-secondary-rate-limit.json", kind: .rateLimited,
                    messageContains: "resets in 60 s", retryAfter: 60...60),
            ])
        func statuses(_ item: StatusCase) async throws {
            let fake = FakeGitHub()
            var headers = item.headers
            if headers["x-ratelimit-remaining"] != nil {
                headers["x-ratelimit-reset"] = String(Int(Date().timeIntervalSince1970) + 3600)
            }
            await fake.inject(item.status, headers: headers, body: jsonFixture(item.fixtureName), times: .max)
            try await serve(fake) { port in
                let trace = TraceLog()
                let error = try #require(
                    await failure { try await provider(port: port, trace: trace).openPullRequest(Drafts.web()) })
                #expect(error.kind == item.kind)
                #expect(error.isTransient == (item.kind == .rateLimited), "only a rate limit is worth waiting for")
                #expect(error.message.contains(item.messageContains), "\(error.message)")
                #expect(await fake.requests.count == 1, "no retry for \(item.status)")
                if let expected = item.retryAfter {
                    let wait = try #require(error.retryAfter)
                    #expect(expected.contains(wait))
                } else {
                    #expect(error.retryAfter == nil)
                }
                expectNoLeak(of: Self.token, errors: [error], traces: trace.lines, requests: await fake.recorded())
            }
        }

        @Test("a missing base branch is notFound and names it")
        func missingBase() async throws {
            try await serve(FakeGitHub()) { port in
                let error = try #require(
                    await failure { try await provider(port: port).openPullRequest(Drafts.web(base: "develop")) })
                #expect(error.kind == .notFound)
                #expect(error.message.hasPrefix("repository homelab/platform or branch develop not found"))
            }
        }

        @Test("a short rate limit is waited out once, then the request is sent again")
        func waitsOutShortRateLimit() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                429, method: "POST", path: "/pulls", headers: ["Retry-After": "1"],
                body: jsonFixture("github/error-rate-limit-exceeded.json"))
            try await serve(fake) { port in
                let patient = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, maxRateLimitWait: 5)
                let started = ContinuousClock.now
                let result = try await provider(port: port, retry: patient).openPullRequest(Drafts.web())
                #expect(started.duration(to: .now) >= .milliseconds(950))
                #expect(result.reused == false)
                #expect(await fake.lines().filter { $0 == "POST \(repo)/pulls" }.count == 2)
                #expect(await fake.pulls.count == 1)
            }
        }

        @Test("a rate limit is waited out only once")
        func rateLimitOnlyOnce() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                429, headers: ["Retry-After": "0"], body: jsonFixture("github/error-rate-limit-exceeded.json"),
                times: .max)
            try await serve(fake) { port in
                let patient = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, maxRateLimitWait: 5)
                let error = try #require(
                    await failure { try await provider(port: port, retry: patient).openPullRequest(Drafts.web()) })
                #expect(error.kind == .rateLimited)
                #expect(error.retryAfter == 0)
                #expect(await fake.requests.count == 2)
            }
        }

        @Test("500 then success: the request is retried and the job succeeds")
        func retriesServerError() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                500, method: "POST", path: "/git/refs", body: jsonFixture("github/error-server-error.json"))
            await fake.inject(502, method: "GET", path: "/pulls", body: ["message": "Bad Gateway"], times: 2)
            try await serve(fake) { port in
                let trace = TraceLog()
                let result = try await provider(port: port, trace: trace).openPullRequest(Drafts.web())
                #expect(result.number == 1347)
                #expect(await fake.lines().filter { $0 == "POST \(repo)/git/refs" }.count == 2)
                #expect(await fake.lines().filter { $0.hasPrefix("GET \(repo)/pulls") }.count == 3)
                #expect(
                    trace.lines.contains {
                        $0.contains("/pulls?head=") && $0.contains("-> 502") && $0.hasSuffix("attempt 2")
                    })
            }
        }

        @Test("500 forever ends as upstream after the configured attempts")
        func serverErrorForever() async throws {
            let fake = FakeGitHub()
            await fake.inject(503, body: ["message": "Service Unavailable"], times: .max)
            try await serve(fake) { port in
                let error = try #require(await failure { try await provider(port: port).openPullRequest(Drafts.web()) })
                #expect(error.kind == .upstream)
                #expect(
                    error.message
                        == "GitHub answered 503 Service Unavailable to GET \(repo)/git/ref/heads/main after 3 attempts: Service Unavailable"
                )
                #expect(await fake.requests.count == fastRetry.maxAttempts)
            }
        }

        @Test("a refused connection is retried, then reported as upstream")
        func refusedConnection() async throws {
            let port = closedPort()
            let trace = TraceLog()
            let github = try provider(port: port, trace: trace)
            let error = try #require(await failure { try await github.openPullRequest(Drafts.web()) })
            #expect(error.kind == .upstream)
            #expect(
                error.message.hasPrefix(
                    "could not reach GitHub at 127.0.0.1:\(port) for GET \(repo)/git/ref/heads/main after 3 attempts: connection refused"
                ))
            #expect(trace.lines.count == 3)
            expectNoLeak(of: Self.token, errors: [error], traces: trace.lines)
        }

        @Test("an answer that is not the documented JSON is invalidResponse")
        func unreadableAnswer() async throws {
            let fake = FakeGitHub()
            await fake.inject(200, method: "GET", path: "/git/ref/", body: ["ref": "refs/heads/main"])
            try await serve(fake) { port in
                let error = try #require(await failure { try await provider(port: port).openPullRequest(Drafts.web()) })
                #expect(error.kind == .invalidResponse)
                #expect(error.message.contains("missing object"), "\(error.message)")
            }
        }

        @Test("an unexpected validation failure is invalidResponse with GitHub's words")
        func unexpectedValidation() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                422, method: "POST", path: "/pulls",
                body: [
                    "message": "Validation Failed",
                    "errors": [
                        [
                            "resource": "PullRequest", "code": "custom",
                            "message": "No commits between main and homeport/web-1a2b3c",
                        ]
                    ],
                ])
            try await serve(fake) { port in
                let error = try #require(await failure { try await provider(port: port).openPullRequest(Drafts.web()) })
                #expect(error.kind == .invalidResponse)
                #expect(
                    error.message
                        == "GitHub answered 422 Unprocessable Entity to POST \(repo)/pulls: Validation Failed; No commits between main and homeport/web-1a2b3c"
                )
            }
        }

        @Test("GitHub Enterprise: the API root keeps its path")
        func enterpriseRoot() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                // The fake answers under /repos; a GHE root adds /api/v3, which the fake rejects with 404.
                let ghe = try GitHubProvider(
                    apiURL: "http://127.0.0.1:\(port)/api/v3/", repository: "homelab/platform", token: Self.token,
                    retry: fastRetry)
                let error = try #require(await failure { try await ghe.openPullRequest(Drafts.web()) })
                #expect(error.kind == .notFound)
                #expect(await fake.lines() == ["GET /api/v3\(repo)/git/ref/heads/main"])
            }
        }

        @Test(
            "bad settings fail at construction",
            arguments: [
                ("https://api.github.com", "homelab", "t0ken-value"),
                ("https://api.github.com", "homelab/platform/extra", "t0ken-value"),
                ("https://api.github.com", "../platform", "t0ken-value"),
                ("https://api.github.com", "homelab/platform", "  "),
                ("ftp://api.github.com", "homelab/platform", "t0ken-value"),
                ("https://user:secret@api.github.com", "homelab/platform", "t0ken-value"),
            ])
        func configuration(_ url: String, _ repository: String, _ token: String) {
            #expect(throws: GitProviderError.self) {
                try GitHubProvider(apiURL: url, repository: repository, token: token)
            }
            do {
                _ = try GitHubProvider(apiURL: url, repository: repository, token: token)
            } catch {
                #expect(error.kind == .configuration)
                #expect(!error.message.contains("secret"))
            }
        }

        @Test(
            "drafts that cannot be committed are refused before any request",
            arguments: [
                Drafts.web(branch: "-rf"),
                Drafts.web(branch: "homeport/..web"),
                Drafts.web(branch: "main"),
                Drafts.web(files: [.init(path: "../escape.yaml", content: "x")]),
                Drafts.web(files: [.init(path: "/etc/passwd", content: "x")]),
                Drafts.web(files: [.init(path: ".git/config", content: "x")]),
                Drafts.web(files: []),
            ])
        func invalidDrafts(_ draft: PullRequestDraft) async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let error = try #require(await failure { try await provider(port: port).openPullRequest(draft) })
                #expect(error.kind == .configuration)
                #expect(await fake.requests.isEmpty)
            }
        }
    }
}

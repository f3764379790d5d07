import FakeUpstreams
import Foundation
import Testing

@testable import GitOps

extension ForgeTests {
    /// Every failure path, for both forges: the token must appear in no error message, no trace
    /// line, and in no request except as the `Authorization` header.
    @Suite("The token never leaks")
    struct TokenHygieneTests {
        /// A token that also looks like ordinary text, so accidental echoes would be caught.
        static let token = "hp_L3akCanary_9c1e5b7a2d4f6e8a0b1c3d5e7f9a"

        struct Scenario: Sendable, CustomTestStringConvertible {
            var name: String
            var status: Int
            var headers: [String: String] = [:]
            var method: String? = nil
            var path: String? = nil
            /// The upstream echoes the token back in its error body (a misbehaving proxy).
            var echo = true
            var testDescription: String { name }
        }

        static let scenarios: [Scenario] = [
            Scenario(name: "401", status: 401),
            Scenario(name: "403", status: 403),
            Scenario(
                name: "403 rate limit", status: 403,
                headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "4102444800"]),
            Scenario(name: "404", status: 404),
            Scenario(name: "409 on pull", status: 409, method: "POST", path: "/pulls"),
            Scenario(name: "422 on pull", status: 422, method: "POST", path: "/pulls"),
            Scenario(name: "429", status: 429, headers: ["Retry-After": "99"]),
            Scenario(name: "500 forever", status: 500),
            Scenario(name: "400 on a write", status: 400, method: "POST"),
        ]

        func echoBody() -> JSONValue {
            [
                "message": .string("bad token \(Self.token) and Bearer \(Self.token)"),
                "errors": [["message": .string("token \(Self.token)")]],
                "url": .string("https://x:\(Self.token)@proxy.local/"),
            ]
        }

        @Test("GitHub failure paths", arguments: scenarios)
        func github(_ scenario: Scenario) async throws {
            let fake = FakeGitHub()
            await fake.inject(
                scenario.status, method: scenario.method, path: scenario.path, headers: scenario.headers,
                body: scenario.echo ? echoBody() : nil, times: .max)
            try await serve(fake) { port in
                let trace = TraceLog()
                let provider = try GitHubProvider(
                    apiURL: "http://127.0.0.1:\(port)", repository: "homelab/platform", token: Self.token,
                    retry: fastRetry, trace: handler(trace)
                )
                let error = try #require(await failure { try await provider.openPullRequest(Drafts.web()) })
                expectNoLeak(of: Self.token, errors: [error], traces: trace.lines, requests: await fake.recorded())
                #expect(!trace.lines.isEmpty)
                for request in await fake.recorded() {
                    #expect(request.headers["authorization"] == "Bearer \(Self.token)")
                }
            }
        }

        @Test("Gitea failure paths", arguments: scenarios)
        func gitea(_ scenario: Scenario) async throws {
            let fake = FakeGitea()
            await fake.inject(
                scenario.status, method: scenario.method, path: scenario.path, headers: scenario.headers,
                body: scenario.echo ? echoBody() : nil, times: .max)
            try await serve(fake) { port in
                let trace = TraceLog()
                let provider = try GiteaProvider(
                    apiURL: "http://127.0.0.1:\(port)/api/v1", repository: "homelab/platform", token: Self.token,
                    retry: fastRetry, trace: handler(trace)
                )
                let error = try #require(await failure { try await provider.openPullRequest(Drafts.web()) })
                expectNoLeak(of: Self.token, errors: [error], traces: trace.lines, requests: await fake.recorded())
                for request in await fake.recorded() {
                    #expect(request.headers["authorization"] == "token \(Self.token)")
                }
            }
        }

        @Test("unreachable forges")
        func unreachable() async throws {
            let port = closedPort()
            let trace = TraceLog()
            let github = try GitHubProvider(
                apiURL: "http://127.0.0.1:\(port)", repository: "o/r", token: Self.token, retry: fastRetry,
                trace: handler(trace))
            let gitea = try GiteaProvider(
                apiURL: "http://127.0.0.1:\(port)/api/v1", repository: "o/r", token: Self.token, retry: fastRetry,
                trace: handler(trace))
            let errors = [
                await failure { try await github.openPullRequest(Drafts.web()) },
                await failure { try await gitea.openPullRequest(Drafts.web()) },
            ].compactMap { $0 }
            #expect(errors.count == 2)
            expectNoLeak(of: Self.token, errors: errors, traces: trace.lines)
        }

        @Test("configuration errors do not repeat the token")
        func configuration() {
            for url in ["https://x:\(Self.token)@github.local", "not a url \(Self.token)"] {
                do {
                    _ = try GitHubProvider(apiURL: url, repository: "o/r", token: Self.token)
                    Issue.record("accepted \(url)")
                } catch {
                    #expect(error.kind == .configuration)
                    #expect(!error.message.contains(Self.token), "\(error.message)")
                }
            }
        }
    }
}

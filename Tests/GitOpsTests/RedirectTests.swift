import FakeUpstreams
import Foundation
import HTTPClient
import Testing

@testable import GitOps

extension ForgeTests {
    @Suite("Redirects of a renamed repository")
    struct RedirectTests {
        static let token = "ghp_r3d1rectT3stT0ken4GitHub0000000000000"

        func provider(port: Int, repository: String) throws -> GitHubProvider {
            try GitHubProvider(
                apiURL: "http://127.0.0.1:\(port)", repository: repository, token: Self.token, retry: fastRetry)
        }

        @Test("301 from a renamed repository is followed on the same host, token and body kept")
        func followsRename() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                await fake.rename(from: "homelab/old-platform", redirectingTo: "http://127.0.0.1:\(port)")
                let result = try await provider(port: port, repository: "homelab/old-platform").openPullRequest(
                    Drafts.web())

                #expect(result.number == 1347 && result.reused == false)
                #expect(await fake.pull(1347)?.title == Drafts.title)
                let requests = await fake.recorded()
                let moved = requests.filter { $0.path.hasPrefix("/repos/homelab/old-platform/") }
                let followed = requests.filter { $0.path.hasPrefix("/repos/homelab/platform/") }
                #expect(
                    !moved.isEmpty && moved.count == followed.count, "each call is answered 301 once, then followed")
                #expect(followed.allSatisfy { $0.headers["authorization"] == "Bearer \(Self.token)" })
                // A POST is repeated as a POST with its body, as GitHub asks for a 301 of its API.
                let create = try #require(followed.first { $0.method == "POST" && $0.path.hasSuffix("/pulls") })
                #expect(create.body?["title"] == .string(Drafts.title))
            }
        }

        @Test("a redirect to another host is not followed: the token stays home, and it is not retried")
        func refusesOtherHost() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                await fake.rename(from: "homelab/old-platform", redirectingTo: "http://localhost:\(port)")
                let error = try #require(
                    await failure {
                        try await provider(port: port, repository: "homelab/old-platform").openPullRequest(Drafts.web())
                    })
                #expect(error.kind == .invalidResponse)
                #expect(!error.isTransient)
                #expect(error.message.contains("follows redirects on the API's own host only"), "\(error.message)")
                #expect(await fake.requests.count == 1)
            }
        }
    }
}

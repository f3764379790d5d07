import FakeUpstreams
import Foundation
import HTTPClient
import Testing

// Only the certificate helpers: FakeUpstreams' other fakes share names with this target's.
import class FakeUpstreams.TLSTerminator
import struct FakeUpstreams.TestCertificates

@testable import GitOps

extension ForgeTests {
    /// A Gitea behind HTTPS with a certificate from the homelab's own CA (made at test time):
    /// `tls.ca_file` is what lets Homeport talk to it.
    @Suite("Gitea over HTTPS signed by the homelab's CA")
    struct HomelabCATests {
        static let token = "gitea_0123456789abcdef0123456789abcdef01234567"

        func provider(_ url: String, trust: TLSTrust) throws -> GiteaProvider {
            try GiteaProvider(
                apiURL: url + "/api/v1", repository: "homelab/platform", token: Self.token,
                http: CurlHTTPClient(trust: trust), retry: fastRetry)
        }

        @Test(
            "with the CA trusted in addition to the system's the pull request opens; without it the error names the host and the TLS reason, never the token"
        )
        func pullRequestOverHomelabTLS() async throws {
            let certificates = try TestCertificates()
            let fake = FakeGitea()
            try await serve(fake) { port in
                let https = try TLSTerminator(
                    certificates: certificates, name: certificates.signed("gitea", days: 30), plainPort: port)
                defer { https.stop() }

                let trusted = try provider(https.url, trust: TLSTrust(addingCAFile: certificates.caBundle))
                let result = try await trusted.openPullRequest(Drafts.web())
                #expect(result.url == "https://gitea.homelab.local/homelab/platform/pulls/1")
                #expect(await fake.pull(1)?.head == "homeport/web-1a2b3c")

                let requestsBefore = await fake.requests.count
                let error = try #require(
                    await failure { try await provider(https.url, trust: .system).openPullRequest(Drafts.web()) })
                #expect(error.kind == .upstream)
                #expect(
                    error.message.contains(
                        "TLS failure talking to 127.0.0.1:\(https.port): SSL certificate problem: unable to get local issuer certificate"
                    ),
                    "\(error.message)")
                #expect(await fake.requests.count == requestsBefore, "nothing reached Gitea")
                expectNoLeak(of: Self.token, errors: [error])
            }
        }
    }
}

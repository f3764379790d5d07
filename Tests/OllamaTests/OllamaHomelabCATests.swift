import Foundation
import HTTPClient
import HummingbirdTesting
import Testing

@testable import Ollama

/// Ollama behind HTTPS with a certificate from the homelab's own CA (made at test time).
@Suite("Ollama over HTTPS signed by the homelab's CA")
struct OllamaHomelabCATests {
    @Test(
        "a generation succeeds with the CA trusted in addition to the system's, and fails naming the host and the TLS reason without it"
    )
    func generationOverHomelabTLS() async throws {
        let certificates = try TestCertificates()
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await fake.application().test(.live) { http in
            let https = try TLSTerminator(
                certificates: certificates, name: certificates.signed("ollama", days: 30),
                plainPort: try #require(http.port))
            defer { https.stop() }
            let timeouts = OllamaTimeouts(connect: 5, firstToken: 20, total: 30, stall: 20)
            let trusted = OllamaClient(
                baseURL: https.url, timeouts: timeouts,
                http: CurlHTTPClient(trust: try TLSTrust(addingCAFile: certificates.caBundle)))

            let result = try await trusted.chat(
                model: recordedModel, messages: draftMessages, options: ChatOptions(temperature: 0.1, seed: 42)
            ) { _ in }
            #expect(result.content.contains("kind: Deployment"))
            #expect(fake.requests.current.count == 1)

            let error = try #require(
                await ollamaError {
                    try await OllamaClient(baseURL: https.url, timeouts: timeouts).chat(
                        model: recordedModel, messages: draftMessages, options: ChatOptions()
                    ) { _ in }
                })
            #expect(error.kind == .unreachable)
            #expect(
                error.message
                    == "Ollama at \(https.url) is not reachable: TLS failure talking to 127.0.0.1:\(https.port): SSL certificate problem: unable to get local issuer certificate"
            )
            #expect(fake.requests.current.count == 1, "nothing reached Ollama")
        }
    }

    @Test("the trusted bundle is the system's followed by the extra CA file; a file without a certificate is refused")
    func bundleKeepsTheSystemCAs() throws {
        let certificates = try TestCertificates()
        let system = certificates.folder + "/system.pem"
        try "-----BEGIN CERTIFICATE-----\nSYSTEM\n-----END CERTIFICATE-----".write(
            toFile: system, atomically: true, encoding: .utf8)
        let trust = try TLSTrust(addingCAFile: certificates.caBundle, systemBundle: system)
        let ca = try String(contentsOfFile: certificates.caBundle, encoding: .utf8)
        #expect(
            trust.pem.map { String(decoding: $0, as: UTF8.self) }
                == "-----BEGIN CERTIFICATE-----\nSYSTEM\n-----END CERTIFICATE-----\n" + ca)

        let key = certificates.folder + "/ca.key"
        #expect(throws: TLSTrustError.self) { try TLSTrust(addingCAFile: key) }
        #expect(throws: TLSTrustError.self) { try TLSTrust(addingCAFile: certificates.folder + "/missing.pem") }
    }
}

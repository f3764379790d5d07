import FakeUpstreams
import Foundation
import Testing

/// `tls.ca_file` as an operator sets it, reaching the outbound calls of a running server.
@Suite("tls.ca_file in a running server")
struct HomelabCAServerTests {
    @Test(
        "Ollama behind HTTPS signed by the homelab's CA: with HOMEPORT_TLS_CA_FILE the generation succeeds; without it the request fails naming the host and the TLS reason"
    )
    func ollamaOverHomelabTLS() async throws {
        let certificates = try TestCertificates()
        try await FakeOllama(.replay("chat-stream-deployment.ndjson")).application().test(.live) { ollama in
            let https = try TLSTerminator(
                certificates: certificates, name: certificates.signed("ollama", days: 30),
                plainPort: try #require(ollama.port))
            defer { https.stop() }
            let environment = [
                "HOMEPORT_OLLAMA_URL": https.url, "HOMEPORT_OLLAMA_MODEL": "qwen2.5-coder:0.5b",
                "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
            ]
            let request =
                #"{"app_name": "tls-web", "engine": "ollama", "prompt": "deploy nginx with 2 replicas on port 80"}"#

            let trusting = try ServerProcess(
                environment: environment.merging([
                    "HOMEPORT_DATA_DIR": try freshFolder("ca-data"),
                    "HOMEPORT_TLS_CA_FILE": certificates.caBundle,
                ]) { $1 }, port: closedPort())
            #expect(await trusting.waitUntilServing(), "\(trusting.log)")
            let generated = try await trusting.submit(request)
            #expect(try await trusting.waitFor(generated, ["ready", "rejected", "failed"]) == "ready")

            let untrusting = try ServerProcess(
                environment: environment.merging(["HOMEPORT_DATA_DIR": try freshFolder("ca-data")]) { $1 },
                port: closedPort())
            #expect(await untrusting.waitUntilServing(), "\(untrusting.log)")
            let refused = try await untrusting.submit(request)
            #expect(try await untrusting.waitFor(refused, ["ready", "rejected", "failed"]) == "failed")
            let reason = try await untrusting.request(refused)["failure_reason"] as? String ?? ""
            #expect(
                reason.contains(
                    "TLS failure talking to 127.0.0.1:\(https.port): SSL certificate problem: unable to get local issuer certificate"
                ), "\(reason)")
        }
    }

    @Test("a CA file that holds no certificate stops the start, naming the key")
    func badCAFile() async throws {
        let folder = try freshFolder("bad-ca")
        try "not a certificate\n".write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
        let server = try ServerProcess(
            environment: ["HOMEPORT_DATA_DIR": folder + "/data", "HOMEPORT_TLS_CA_FILE": folder + "/ca.pem"],
            port: closedPort())
        #expect(await server.waitForExit() != 0)
        #expect(server.log.contains("tls.ca_file: \(folder)/ca.pem holds no PEM certificate"), "\(server.log)")
    }
}

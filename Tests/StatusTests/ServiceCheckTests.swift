import FakeUpstreams
import Foundation
import HTTPClient
import HummingbirdTesting
import Platform
import Status
import Testing

@Suite("Service checks over real HTTP and TLS servers")
struct ServiceCheckTests {
    let checker = ServiceChecker(metrics: UpstreamMetrics())

    @Test("tls.ca_file: a check without a ca_bundle of its own trusts the homelab's CA in addition to the system's")
    func homelabCA() async throws {
        let servers = try TLSTestServers()
        defer { servers.stop() }
        let trusting = ServiceChecker(
            metrics: UpstreamMetrics(),
            http: CurlHTTPClient(trust: try TLSTrust(addingCAFile: servers.certificates.caBundle)))
        let sample = await trusting.check(ServiceCheck(url: servers.valid.url), service: "valid")
        #expect(sample.isUp, "\(sample.failure ?? "")")
        #expect(sample.certificate?.issuer?.contains("Homeport Test CA") == true)
        // A check's own ca_bundle still replaces it: the self-signed server stays refused.
        let refused = await trusting.check(
            ServiceCheck(url: servers.selfSigned.url, caBundle: servers.certificates.caBundle), service: "self")
        #expect(!refused.isUp)
    }

    @Test(
        "HTTPS: a private CA given as bundle, a certificate expiring in 2 days, a self-signed one refused unless verification is skipped"
    )
    func tls() async throws {
        let servers = try TLSTestServers()
        defer { servers.stop() }
        let (certificates, valid, soon, selfSigned) = (
            servers.certificates, servers.valid, servers.expiringSoon, servers.selfSigned
        )
        let now = Date()

        let trusted = await checker.check(
            ServiceCheck(url: valid.url, caBundle: certificates.caBundle), service: "valid")
        #expect(trusted.isUp)
        #expect(trusted.status == 200)
        #expect(trusted.certificate?.issuer?.contains("Homeport Test CA") == true)
        #expect(trusted.certificate?.daysLeft(now: now) == 30)

        let expiring = await checker.check(
            ServiceCheck(url: soon.url, caBundle: certificates.caBundle), service: "soon")
        #expect(expiring.isUp)
        let days = try #require(expiring.certificate?.daysLeft(now: now))
        #expect(days == 2)
        #expect(CertificateUrgency.of(daysLeft: days) == .error)

        // Without the CA bundle, the system's CAs do not know the test CA either.
        let unknownCA = await checker.check(ServiceCheck(url: valid.url), service: "valid")
        #expect(!unknownCA.isUp)
        #expect(
            unknownCA.failure?.hasPrefix("TLS failure talking to 127.0.0.1:\(valid.port): SSL certificate problem")
                == true)

        let refused = await checker.check(
            ServiceCheck(url: selfSigned.url, caBundle: certificates.caBundle), service: "self")
        #expect(!refused.isUp)
        #expect(refused.failure?.contains("self-signed certificate") == true)

        let skipped = await checker.check(ServiceCheck(url: selfSigned.url, skipTLSVerify: true), service: "self")
        #expect(skipped.isUp)
        #expect(skipped.certificate?.issuer?.contains("127.0.0.1") == true)
    }

    @Test("a service that never answers costs its own timeout and says so")
    func neverAnswers() async {
        let listener = UnansweredListener()
        defer { listener.close() }
        let sample = await checker.check(
            ServiceCheck(url: "http://127.0.0.1:\(listener.port)/", timeoutSeconds: 1), service: "hung")
        #expect(!sample.isUp)
        #expect(sample.failure == "timed out after 1 s")
    }

    @Test("a status outside the expected ones is down, with the status")
    func unexpectedStatus() async throws {
        try await FakePlatformAPIs().application().test(.live) { client in
            let port = try #require(client.port)
            let missing = await checker.check(ServiceCheck(url: "http://127.0.0.1:\(port)/nowhere"), service: "api")
            #expect(!missing.isUp)
            #expect(missing.failure == "unexpected status 404")
            let accepted = await checker.check(
                ServiceCheck(url: "http://127.0.0.1:\(port)/nowhere", expectedStatuses: [200...299, 404...404]),
                service: "api")
            #expect(accepted.isUp)
            #expect(accepted.certificate == nil)
        }
    }
}

@Suite("Health window, certificates and sparkline")
struct HealthWindowTests {
    func sample(_ up: Bool, _ latency: Double?) -> HealthSample {
        HealthSample(at: Date(), isUp: up, status: up ? 200 : nil, latency: latency, failure: nil, certificate: nil)
    }

    @Test("keeps the newest samples only; uptime over them")
    func window() {
        var window = HealthWindow(capacity: 4)
        for up in [false, false, true, true, true, false] { window.append(sample(up, up ? 0.01 : nil)) }
        #expect(window.samples.count == 4)
        #expect(window.uptime == 0.75)
        #expect(window.latest?.isUp == false)
    }

    @Test(
        "certificate urgency: warning under 14 days, error under 3 or expired",
        arguments: [
            (30, CertificateUrgency.ok), (14, .ok), (13, .warning), (3, .warning), (2, .error), (0, .error),
            (-5, .error),
        ])
    func urgency(days: Int, expected: CertificateUrgency) {
        #expect(CertificateUrgency.of(daysLeft: days) == expected)
    }

    @Test("OpenSSL's expiry dates parse, single-digit days included")
    func expiryDates() throws {
        let certificate = PeerCertificate(expiresAt: nil, issuer: nil, subject: nil)
        #expect(certificate.daysLeft(now: Date()) == nil)
        let parsed = try #require(PeerCertificate.parseDate("Nov  8 21:12:34 2026 GMT"))
        #expect(parsed == ISO8601DateFormatter().date(from: "2026-11-08T21:12:34Z"))
    }

    @Test("sparkline: the slowest at the top, oldest on the left")
    func sparkline() {
        #expect(Sparkline.points([0.1, 0.2, 0.05], width: 100, height: 20) == "0.0,10.0 50.0,0.0 100.0,15.0")
        #expect(Sparkline.points([0.1], width: 100, height: 20) == nil)
    }

    @Test(
        "Kubernetes quantities",
        arguments: [
            ("4", 4.0), ("3800m", 3.8), ("8131452Ki", 8_326_606_848.0), ("16Gi", 17_179_869_184.0), ("1e3", 1000.0),
        ])
    func quantities(text: String, value: Double) {
        #expect(Quantity.parse(text) == value)
    }

    @Test(
        "quantities that are not finite are no quantity: a page could not show them",
        arguments: ["Inf", "NaN", "1e400", "1e400Gi", "-Inf"])
    func nonFiniteQuantities(_ text: String) {
        #expect(Quantity.parse(text) == nil)
    }
}

import FakeUpstreams
import Foundation
import HummingbirdTesting
import Status
import Testing

@Suite("Kubernetes, Prometheus, Alertmanager and Argo CD clients against recorded answers")
struct UpstreamClientTests {
    @Test("each client reads its upstream's recorded JSON")
    func clients() async throws {
        let fake = FakePlatformAPIs()
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try "test-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try await fake.application().test(.live) { client in
            let url = "http://127.0.0.1:\(try #require(client.port))"
            let metrics = UpstreamMetrics()
            let kubernetes = KubernetesClient(
                apiURL: url, tokenFile: tokenFile, caFile: "", timeout: 5, metrics: metrics)
            let nodes = try await kubernetes.nodes()
            #expect(nodes.map(\.name) == ["k3s-agent-pi-01", "k3s-server-01", "k3s-worker-01"])
            let server = try #require(nodes.first { $0.name == "k3s-server-01" })
            #expect(server.isReady && server.roles == ["control-plane", "master"] && server.podCount == 3)
            #expect(server.kubeletVersion == "v1.31.4+k3s1" && server.osImage == "Ubuntu 24.04.1 LTS")
            let pi = try #require(nodes.first { $0.name == "k3s-agent-pi-01" })
            #expect(!pi.isReady && pi.cpuAllocatable == 3.8 && pi.podCount == 0)

            let results = try await kubernetes.diagnostics()
            #expect(results.map(\.kind) == ["PersistentVolumeClaim", "Pod"])
            #expect(
                results[1].parentObject == "Deployment/ai-gateway"
                    && results[1].errors.first?.hasPrefix("back-off 5m0s") == true)
            #expect(results[0].parentObject == nil)

            let usage = try await PrometheusClient(url: url, caFile: nil, timeout: 5, metrics: metrics).nodeUsage()
            #expect(usage["k3s-worker-01"] == NodeUsage(cpu: 0.9416666666666667, memory: 0.4502135467981527))
            #expect(usage["k3s-agent-pi-01"]?.cpu == 0.0529166666666666)

            let alerts = try await AlertmanagerClient(url: url, caFile: nil, timeout: 5, metrics: metrics)
                .firingAlerts()
            #expect(Set(alerts.map(\.severity)) == ["warning", "critical", "none"])
            #expect(alerts.first { $0.severity == "critical" }?.summary == "Filesystem has less than 5% space left.")

            let apps = try await ArgoCDClient(url: url, caFile: nil, timeout: 5, metrics: metrics) { "test-token" }
                .applications()
            #expect(
                apps.first { $0.name == "ai-gateway" }
                    == ArgoAppStatus(
                        name: "ai-gateway", sync: "Synced", health: "Degraded",
                        revision: "8f3c2a1d9e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a"))

            // A wrong token is refused with the API's own words; a missing one never leaves Homeport.
            await #expect {
                try await ArgoCDClient(url: url, caFile: nil, timeout: 5, metrics: metrics) { "wrong" }.applications()
            } throws: { error in
                (error as? UpstreamFailure)?.message.hasPrefix("HTTP 401: ") == true
            }
            let families = metrics.families().map(\.text).joined()
            #expect(families.contains(#"homeport_upstream_requests_total{outcome="ok",target="kubernetes"} 3.0"#))
            #expect(families.contains(#"homeport_upstream_requests_total{outcome="error",target="argocd"} 1.0"#))
        }
    }

    @Test("an unreadable token file is the poll's error")
    func missingToken() async {
        let client = KubernetesClient(
            apiURL: "http://127.0.0.1:\(closedPort())", tokenFile: "/nonexistent/token", caFile: "", timeout: 1,
            metrics: UpstreamMetrics())
        await #expect { try await client.nodes() } throws: { error in
            (error as? UpstreamFailure)?.message == "cannot read a bearer token from /nonexistent/token"
        }
    }
}

import FakeUpstreams
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Platform
import Status
import Testing

@testable import Portal

/// The example homelab with `platform/services.yaml` replaced by checks of the given services.
func platformWithChecks(_ services: [(name: String, check: String)]) throws -> PlatformState {
    let root = try copyOfFolder(repositoryRoot + "/examples/homelab")
    var yaml =
        "groups:\n  - name: Delivery\n    services:\n      - {name: Argo CD, url: \"https://argocd.homelab.local\", type: argocd, entity: component:default/argocd}\n"
    yaml += "  - name: Checked\n    services:\n"
    for service in services {
        yaml += "      - name: \(service.name)\n        url: https://example.invalid\n        check: \(service.check)\n"
    }
    try yaml.write(toFile: root + "/platform/services.yaml", atomically: true, encoding: .utf8)
    return try platformState(root: root)
}

/// Waits (up to a generous limit, so a failing test ends) until `condition` holds.
func eventually(_ condition: () -> Bool) async {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition(), ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(20))
    }
}

@Suite("Live status on the pages, from real servers")
struct LiveStatusPagesTests {
    @Test(
        "health, certificates, nodes, alerts, Argo CD and k8sgpt show on the pages; a stale cluster is marked; /metrics counts it"
    )
    func livePages() async throws {
        let servers = try TLSTestServers()
        let (certificates, valid, soon, selfSigned) = (
            servers.certificates, servers.valid, servers.expiringSoon, servers.selfSigned
        )
        let hung = UnansweredListener()
        defer {
            servers.stop()
            hung.close()
        }
        let tokenFile = certificates.folder + "/token"
        try "test-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let fake = FakePlatformAPIs()
        try await fake.application().test(.live) { client in
            let api = "http://127.0.0.1:\(try #require(client.port))"
            let ca = certificates.caBundle
            let state = try platformWithChecks([
                ("Plain", "{url: \"\(api)/healthz\", interval_seconds: 1}"),
                ("Private CA", "{url: \"\(valid.url)\", ca_bundle: \(ca), interval_seconds: 1}"),
                ("Expiring", "{url: \"\(soon.url)\", ca_bundle: \(ca)}"),
                ("Self-signed", "{url: \"\(selfSigned.url)\", ca_bundle: \(ca)}"),
                ("Self-signed skipped", "{url: \"\(selfSigned.url)\", insecure_skip_tls_verify: true}"),
                ("Hung", "{url: \"http://127.0.0.1:\(hung.port)/\", timeout_seconds: 1}"),
                ("Hung forever", "{url: \"http://127.0.0.1:\(hung.port)/\", timeout_seconds: 60}"),
            ])
            #expect(state.snapshot.problems.isEmpty)
            let metrics = UpstreamMetrics()
            let settings = StatusSettings(
                interval: 0.2, timeout: 5, windowSize: 10, serviceChecks: true,
                kubernetes: KubernetesClient(
                    apiURL: api, tokenFile: tokenFile, caFile: "", timeout: 5, metrics: metrics),
                prometheus: PrometheusClient(url: api, caFile: nil, timeout: 5, metrics: metrics),
                alertmanager: AlertmanagerClient(url: api, caFile: nil, timeout: 5, metrics: metrics),
                argocd: ArgoCDClient(url: api, caFile: nil, timeout: 5, metrics: metrics) { "test-token" }
            )
            let monitor = StatusMonitor(settings: settings, metrics: metrics, logger: quietLogger) {
                state.snapshot.serviceGroups.flatMap(\.services)
            }
            let polling = Task { await monitor.run() }
            defer { polling.cancel() }
            let services = state.snapshot.serviceGroups.flatMap(\.services)
            func window(_ name: String) -> HealthWindow? {
                monitor.board.current.health(of: services.first { $0.name == name }!)
            }
            let answering = ["Plain", "Private CA", "Expiring", "Self-signed", "Self-signed skipped", "Hung"]
            await eventually {
                let status = monitor.board.current
                return answering.allSatisfy { window($0) != nil } && (window("Plain")?.samples.count ?? 0) >= 2
                    && [
                        status.nodes?.fetchedAt, status.diagnostics?.fetchedAt, status.nodeUsage?.fetchedAt,
                        status.alerts?.fetchedAt, status.applications?.fetchedAt,
                    ].allSatisfy { $0 != nil }
            }
            let (portalApp, _, _) = try await portalWithProvisioning(state: state, monitor: monitor)
            try await portalApp.test(.router) { portal in
                let overview = try await portal.page("/").body
                let cards = cardsByName(overview)
                // The service that never answers within its minute delays nothing: the page is here, it is not checked yet.
                #expect(cards["Hung forever"]?.contains("not checked yet") == true)
                #expect(cards["Hung"]?.contains("timed out after 1 s") == true)
                #expect(cards["Plain"]?.contains("dot-up") == true)
                #expect(cards["Plain"]?.contains("uptime 100% over the last") == true)
                #expect(cards["Plain"]?.contains("<polyline points=") == true)
                #expect(cards["Private CA"]?.contains(#"<p class="cert-ok">certificate expires in 30 days"#) == true)
                #expect(cards["Private CA"]?.contains("Homeport Test CA") == true)
                #expect(cards["Expiring"]?.contains(#"<p class="cert-error">certificate expires in 2 days"#) == true)
                #expect(cards["Self-signed"]?.contains("dot-down") == true)
                #expect(cards["Self-signed"]?.contains("TLS failure talking to 127.0.0.1:") == true)
                #expect(cards["Self-signed"]?.contains("SSL certificate problem: self-signed certificate") == true)
                #expect(cards["Self-signed skipped"]?.contains("dot-up") == true)
                #expect(cards["Self-signed skipped"]?.contains("TLS not verified") == true)
                // Alerts by severity, most severe first, with their summary.
                let critical = try #require(overview.range(of: "severity-critical"))
                let warning = try #require(overview.range(of: "severity-warning"))
                #expect(critical.lowerBound < warning.lowerBound)
                #expect(
                    overview.contains(
                        "<strong>NodeFilesystemAlmostOutOfSpace</strong>: Filesystem has less than 5% space left."))
                #expect(overview.contains("<strong>KubePodCrashLooping</strong>: Pod is crash looping."))

                let inventory = try await portal.page("/inventory").body
                #expect(
                    row(inventory, "k3s-agent-pi-01")?.contains(#"<span class="flag">not in the inventory</span>"#)
                        == true)
                #expect(row(inventory, "k3s-agent-pi-01")?.contains("NotReady") == true)
                #expect(
                    row(inventory, "k3s-worker-02")?.contains(#"<span class="flag">not in the cluster</span>"#) == true)
                let server = try #require(row(inventory, "k3s-server-01"))
                #expect(server.contains(">Ready<") && server.contains("v1.31.4+k3s1") && server.contains("<td>3</td>"))
                #expect(server.contains("<td>control-plane, worker (cluster: control-plane, master)</td>"))
                #expect(row(inventory, "k3s-worker-01")?.contains("CPU 94%") == true)
                #expect(row(inventory, "k3s-worker-01")?.contains("capacity-used over") == true)

                let observability = try await portal.page("/observability").body
                #expect(row(observability, "hello-platform")?.contains("OutOfSync") == true)
                #expect(
                    row(observability, #"rel="noopener">ai-gateway<"#)?.contains(
                        #"<span class="badge state-error">Degraded</span>"#) == true)
                #expect(row(observability, "scratch-nginx")?.contains("not in the GitOps folder") == true)

                let entity = try await portal.page("/catalog/component/default/ai-gateway").body
                #expect(
                    entity.contains(
                        #"<span class="badge state-ok">Synced</span> <span class="badge state-error">Degraded</span>"#))
                #expect(
                    entity.contains(
                        #"<a href="/diagnostics#result-aigatewayaigateway5c8d9f7b6x2k4q">Pod ai-gateway/ai-gateway-5c8d9f7b6-x2k4q: back-off 5m0s"#
                    ))

                let diagnostics = try await portal.page("/diagnostics").body
                #expect(diagnostics.contains(#"id="result-aigatewayaigateway5c8d9f7b6x2k4q""#))
                #expect(diagnostics.contains("Deployment/ai-gateway"))
                #expect(diagnostics.contains("cannot reach the Ollama API"))
                #expect(diagnostics.contains(#"<a href="/catalog/component/default/ai-gateway">"#))
                #expect(diagnostics.contains("monitoring/storage-kube-prometheus-stack-prometheus-0"))

                // The cluster stops answering: the last known nodes stay, marked with their age and the error.
                fake.down.update { $0 = true }
                await eventually { monitor.board.current.nodes?.isStale == true }
                let stale = try await portal.page("/inventory").body
                #expect(
                    stale.contains(
                        "Kubernetes API unreachable: HTTP 503: no healthy upstream. Showing the last known state,"))
                #expect(row(stale, "k3s-agent-pi-01")?.contains("not in the inventory") == true)
                // Pages kept by the page cache follow the status board: the overview and the entity
                // page, both rendered before the outage, now say so.
                await eventually {
                    monitor.board.current.alerts?.isStale == true && monitor.board.current.applications?.isStale == true
                }
                #expect(
                    try await portal.page("/").body.contains("Alertmanager unreachable: HTTP 503: no healthy upstream.")
                )
                #expect(
                    try await portal.page("/catalog/component/default/ai-gateway").body.contains(
                        "Argo CD unreachable: HTTP 503: no healthy upstream."))

                let samples = try parsePrometheus(try await portal.page("/metrics").body)
                func value(_ name: String, _ labels: [String: String]) -> Double? {
                    samples.first { sample in
                        sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                    }?.value
                }
                #expect(
                    (value("homeport_upstream_requests_total", ["target": "kubernetes", "outcome": "ok"]) ?? 0) >= 2)
                #expect(
                    (value("homeport_upstream_requests_total", ["target": "kubernetes", "outcome": "error"]) ?? 0) >= 1)
                #expect((value("homeport_upstream_request_duration_seconds_count", ["target": "prometheus"]) ?? 0) >= 2)
                #expect(value("homeport_service_up", ["service": "Plain"]) == 1)
                #expect(value("homeport_service_up", ["service": "Self-signed"]) == 0)
                #expect(value("homeport_poller_up", ["poller": "kubernetes"]) == 0)
                #expect(value("homeport_poller_up", ["poller": "argocd"]) != nil)
                #expect(value("homeport_service_certificate_expiry_timestamp_seconds", ["service": "Expiring"]) != nil)
            }
        }
    }

    @Test("configured but unreachable: each page says so with the error; nothing blank")
    func unreachable() async throws {
        let closed = "http://127.0.0.1:\(closedPort())"
        let metrics = UpstreamMetrics()
        let state = try platformState(root: repositoryRoot + "/examples/homelab")
        let settings = StatusSettings(
            interval: 30, timeout: 2, windowSize: 10,
            kubernetes: KubernetesClient(apiURL: closed, tokenFile: "", caFile: "", timeout: 2, metrics: metrics),
            alertmanager: AlertmanagerClient(url: closed, caFile: nil, timeout: 2, metrics: metrics),
            argocd: ArgoCDClient(url: closed, caFile: nil, timeout: 2, metrics: metrics) {
                throw UpstreamFailure("no token: set the environment variable ARGOCD_TOKEN or argocd.token_file")
            }
        )
        let monitor = StatusMonitor(settings: settings, metrics: metrics, logger: quietLogger) { [] }
        let (app, _, _) = try await portalWithProvisioning(state: state, monitor: monitor)
        try await app.test(.router) { portal in
            let waiting = try await portal.page("/inventory").body
            #expect(waiting.contains("Waiting for the first answer from Kubernetes API."))
            let polling = Task { await monitor.run() }
            defer { polling.cancel() }
            await eventually {
                let status = monitor.board.current
                return status.nodes?.failure != nil && status.diagnostics?.failure != nil
                    && status.alerts?.failure != nil && status.applications?.failure != nil
            }
            let inventory = try await portal.page("/inventory").body
            let diagnostics = try await portal.page("/diagnostics").body
            let overview = try await portal.page("/").body
            let observability = try await portal.page("/observability").body
            let entity = try await portal.page("/catalog/component/default/ai-gateway").body
            #expect(inventory.contains("Kubernetes API unreachable: connection refused"))
            #expect(diagnostics.contains("Kubernetes API unreachable: connection refused"))
            #expect(overview.contains("Alertmanager unreachable: connection refused"))
            #expect(observability.contains("Argo CD unreachable: no token: set the environment variable ARGOCD_TOKEN"))
            #expect(entity.contains("Argo CD unreachable: no token"))
        }
    }

    @Test("integrations off: pages show no live parts; /diagnostics says how to turn it on")
    func off() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { portal in
            let overview = try await portal.page("/").body
            let inventory = try await portal.page("/inventory").body
            let diagnostics = try await portal.page("/diagnostics").body
            #expect(!overview.contains("Firing alerts") && !overview.contains("class=\"dot "))
            #expect(!inventory.contains("Kubelet"))
            #expect(diagnostics.contains("set <code>kubernetes.api_url</code>"))
        }
    }
}

/// The service cards of a page by service name.
func cardsByName(_ html: String) -> [String: String] {
    var cards: [String: String] = [:]
    for card in html.components(separatedBy: #"<li class="card">"#).dropFirst() {
        let body = card.components(separatedBy: "</li>").first ?? card
        if let name = body.firstMatch(of: /rel="noopener">([^<]+)<\/a><\/h4>/)?.output.1 { cards[String(name)] = body }
    }
    return cards
}

/// The table row that mentions `name`.
func row(_ html: String, _ name: String) -> String? {
    html.components(separatedBy: "<tr").dropFirst().first { $0.contains(name) }
}

@Suite("Upstream text on the pages")
struct UpstreamEscapingTests {
    @Test("alert summaries and k8sgpt's errors and explanations are escaped, never markup")
    func escaped() async throws {
        let hostile = #"<script>alert(1)</script><img src=x onerror="alert(2)">"#
        let monitor = StatusMonitor(settings: StatusSettings(), metrics: UpstreamMetrics(), logger: quietLogger) { [] }
        monitor.board.update { status in
            status.alerts = Observed()
            status.alerts?.record(
                .success([FiringAlert(name: hostile, severity: hostile, summary: hostile, startsAt: nil, labels: [:])]),
                at: Date())
            status.diagnostics = Observed()
            status.diagnostics?.record(
                .success([
                    DiagnosticResult(
                        id: hostile, kind: hostile, name: hostile, parentObject: hostile,
                        errors: [hostile], details: hostile, backend: nil)
                ]), at: Date())
        }
        let (app, _, _) = try await portalWithProvisioning(monitor: monitor)
        try await app.test(.router) { client in
            for path in ["/", "/diagnostics"] {
                let body = try await client.page(path).body
                #expect(!body.contains("<script>") && !body.contains("<img"), "\(path) carries upstream markup")
                #expect(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the text")
            }
        }
    }
}

@Suite("Poller log")
struct PollerLogTests {
    @Test("a poller that keeps failing the same way logs it once, with the error")
    func failingOnce() async throws {
        let captured = CapturedLog()
        let metrics = UpstreamMetrics()
        let settings = StatusSettings(
            interval: 0.05, timeout: 2,
            alertmanager: AlertmanagerClient(
                url: "http://127.0.0.1:\(closedPort())", caFile: nil, timeout: 2, metrics: metrics))
        let monitor = StatusMonitor(settings: settings, metrics: metrics, logger: captured.logger) { [] }
        let polling = Task { await monitor.run() }
        await eventually {
            let samples = try? parsePrometheus(metrics.families().map(\.text).joined())
            return
                (samples?.first { $0.name == "homeport_upstream_requests_total" && $0.labels["outcome"] == "error" }?
                .value ?? 0) >= 5
        }
        polling.cancel()
        let failures = captured.all.filter { $0.message == "poll failed" }
        #expect(failures.count == 1)
        #expect(failures.first?.metadata["poller"]?.description == "alertmanager")
        #expect(failures.first?.metadata["error"]?.description.hasPrefix("connection refused") == true)
    }
}

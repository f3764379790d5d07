import Testing

@testable import Platform

@Suite("Inventory, services, dashboards and Argo CD files")
struct SmallFilesTests {
    @Test("inventory mistakes are reported by line while good values load")
    func inventoryProblems() throws {
        let snapshot = try loadPlatform(repositoryRoot + "/Tests/Fixtures/platforms/broken")
        let problems = snapshot.problems.filter { $0.file == "platform/inventory.yaml" }
        #expect(problems.map(\.line) == [3, 4, 7])
        #expect(
            problems.map(\.reason) == [
                "hardware 'box': cpu must be a whole number, found 'many'",
                "hardware 'box': unknown key 'memroy_gb'",
                "node 'node-1': host 'no-such-host' is not in the hardware list",
            ])
        #expect(snapshot.inventory.hardware.map(\.name) == ["box"])
        #expect(snapshot.inventory.nodes.map(\.name) == ["node-1"])
    }

    @Test("known images: a wrong entry is a problem on the errors page and the good ones load; no file is none")
    func knownImages() throws {
        let snapshot = try loadPlatform(
            try temporaryPlatform([
                "catalog/locations.yaml": teamGroup,
                "platform/known-images.yaml": """
                images:
                  - image: grafana/grafana
                    tag: "11.2.0"
                    port: 3000
                  - image: redis
                  - image: "not an image"
                    tag: "1"
                """,
            ]))
        #expect(snapshot.knownImages.entries.map(\.reference) == ["grafana/grafana:11.2.0"])
        #expect(
            snapshot.problems.filter { $0.file == "platform/known-images.yaml" }.map(\.reason) == [
                "entry 2 needs `image` (without tag) and `tag`", "entry 3 needs `image` (without tag) and `tag`",
            ])
        #expect(snapshot.problems.filter { $0.file == "platform/known-images.yaml" }.map(\.line) == [5, 6])

        let without = try loadPlatform(try temporaryPlatform(["catalog/locations.yaml": teamGroup]))
        #expect(without.knownImages.entries.isEmpty)
        #expect(without.problems.isEmpty)
    }

    @Test(
        "a machine name that is not a host name is refused; the good one next to it loads",
        arguments: ["a..b", ".box", "box.", "Box", "-box", String(repeating: "x", count: 64) + ".lan"])
    func inventoryMachineNames(_ name: String) throws {
        let root = try temporaryPlatform([
            "platform/inventory.yaml": "hardware:\n  - {name: \"\(name)\", cpu: 4}\n  - {name: good-box.lan, cpu: 2}\n"
        ])
        let snapshot = try loadPlatform(root)
        #expect(
            snapshot.problems.filter { $0.file == "platform/inventory.yaml" }.map(\.reason) == [
                "hardware entry needs a name of lowercase letters, digits, '-' and '.'"
            ])
        #expect(snapshot.inventory.hardware.map(\.name) == ["good-box.lan"])
    }

    @Test(
        "inventory numbers that are not finite, or absurdly large, are refused with the reason",
        arguments: [".inf", ".nan", "1e308"])
    func inventoryNonFinite(_ value: String) throws {
        let root = try temporaryPlatform([
            "platform/inventory.yaml": "hardware:\n  - {name: box, cpu: 4, memory_gb: \(value)}\n"
        ])
        let snapshot = try loadPlatform(root)
        #expect(
            snapshot.problems.filter { $0.file == "platform/inventory.yaml" }.map(\.reason) == [
                "hardware 'box': memory_gb must be a number from 0 to 10^12, found '\(value)'"
            ])
        #expect(snapshot.inventory.hardware.first?.memoryGB == nil)
    }

    @Test("services need an http(s) URL; dashboards need a uid; Argo CD reads Applications only")
    func observabilityFiles() throws {
        let root = try temporaryPlatform([
            "platform/services.yaml": """
            groups:
              - name: Tools
                services:
                  - {name: Good, url: "https://good.homelab.local", type: Grafana}
                  - {name: Bad, url: "javascript:alert(1)"}
                  - {name: NoURL}
            extra: true
            """,
            "monitoring/dashboards/ok.json": #"{"uid": "abc", "title": "Nodes", "tags": ["k3s"], "panels": [{}, {}]}"#,
            "monitoring/dashboards/no-uid.json": #"{"title": "Nameless"}"#,
            "monitoring/dashboards/broken.json": #"{"uid": "#,
            "gitops/apps/apps.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: loki, namespace: argocd}
            spec:
              project: default
              source: {repoURL: "https://grafana.github.io/helm-charts", chart: loki, targetRevision: 6.6.2}
              destination: {namespace: monitoring}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: not-an-app}
            """,
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.serviceGroups.first?.services.map(\.name) == ["Good"])
        #expect(snapshot.service(ofType: "grafana")?.name == "Good")
        #expect(snapshot.dashboards.map(\.uid) == ["abc"])
        #expect(snapshot.dashboards.first?.panelCount == 2)
        #expect(snapshot.argoApplications.map(\.name) == ["loki"])
        #expect(snapshot.argoApplications.first?.source == "https://grafana.github.io/helm-charts chart loki")
        #expect(snapshot.argoApplications.first?.automated == false)
        let files = snapshot.problems.map(\.file)
        #expect(files.filter { $0 == "platform/services.yaml" }.count == 3)
        #expect(files.contains("monitoring/dashboards/no-uid.json"))
        #expect(files.contains("monitoring/dashboards/broken.json"))
    }

    @Test(
        "service checks: defaults, codes and ranges, a CA bundle in the repository; mistakes are reported and the link still loads"
    )
    func serviceChecks() throws {
        let root = try temporaryPlatform([
            "platform/homelab-ca.crt": "-----BEGIN CERTIFICATE-----\n",
            "platform/services.yaml": """
            groups:
              - name: Tools
                services:
                  - {name: Plain, url: "https://plain.homelab.local", check: true}
                  - name: Grafana
                    url: https://grafana.homelab.local
                    check:
                      url: https://grafana.homelab.local/api/health
                      expect: [200, 401-403]
                      interval_seconds: 60
                      timeout_seconds: 3
                      ca_bundle: platform/homelab-ca.crt
                  - {name: Lab, url: "https://lab.homelab.local", check: {insecure_skip_tls_verify: true}}
                  - {name: Off, url: "https://off.homelab.local", check: false}
                  - {name: Typos, url: "https://typos.homelab.local", check: {expect: [ok], ca_bundle: missing.pem, insecure_skip_tls_verify: maybe, intervall: 5}}
            """,
        ])
        let snapshot = try loadPlatform(root)
        let checks = Dictionary(uniqueKeysWithValues: snapshot.serviceGroups[0].services.map { ($0.name, $0.check) })
        #expect(checks["Plain"]! == ServiceCheck(url: "https://plain.homelab.local"))
        let grafana = try #require(checks["Grafana"]!)
        #expect(grafana.url == "https://grafana.homelab.local/api/health")
        #expect(grafana.expectedStatuses == [200...200, 401...403])
        #expect(grafana.expects(403) && !grafana.expects(302))
        #expect(grafana.intervalSeconds == 60 && grafana.timeoutSeconds == 3)
        #expect(grafana.caBundle == root + "/platform/homelab-ca.crt")
        #expect(checks["Lab"]!?.skipTLSVerify == true)
        #expect(checks["Off"]! == nil)
        #expect(checks["Typos"]!?.url == "https://typos.homelab.local")
        #expect(
            snapshot.problems.filter { $0.file == "platform/services.yaml" }.map(\.reason) == [
                "service 'Typos' check: expect must list status codes (200) or ranges (200-299)",
                "service 'Typos' check: ca_bundle missing.pem is not a readable file",
                "service 'Typos' check: insecure_skip_tls_verify must be true or false",
                "service 'Typos' check: unknown key 'intervall'",
            ])
    }
}

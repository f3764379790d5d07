import Testing
@testable import Platform

@Suite("Inventory, services, dashboards and Argo CD files")
struct SmallFilesTests {
    @Test("inventory mistakes are reported by line while good values load")
    func inventoryProblems() throws {
        let snapshot = try loadPlatform(repositoryRoot + "/Tests/Fixtures/platforms/broken")
        let problems = snapshot.problems.filter { $0.file == "platform/inventory.yaml" }
        #expect(problems.map(\.line) == [3, 4, 7])
        #expect(problems.map(\.reason) == [
            "hardware 'box': cpu must be a whole number, found 'many'",
            "hardware 'box': unknown key 'memroy_gb'",
            "node 'node-1': host 'no-such-host' is not in the hardware list",
        ])
        #expect(snapshot.inventory.hardware.map(\.name) == ["box"])
        #expect(snapshot.inventory.nodes.map(\.name) == ["node-1"])
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
}

import Testing

@testable import Platform

@Suite("The example homelab")
struct ExampleHomelabTests {
    let snapshot: PlatformSnapshot

    init() throws {
        snapshot = try loadPlatform(repositoryRoot + "/examples/homelab")
    }

    @Test("loads without a single problem")
    func clean() {
        #expect(snapshot.problems == [])
    }

    @Test("has every core kind, following the root Location into apps/")
    func everyKind() {
        let kinds = Set(snapshot.catalog.entities.map(\.ref.kind))
        #expect(kinds == Set(EntityKind.allCases.map(\.rawValue)))
        #expect(
            snapshot.catalog[EntityRef(kind: "component", name: "hello-platform")]?.source.file
                == "apps/hello-platform/catalog-info.yaml")
        #expect(
            snapshot.catalog.entities.filter { $0.ref.kind == "system" }.map(\.name).sorted() == [
                "ai", "gitops", "observability", "source-control",
            ])
    }

    @Test("the API's $text definition is read from the file beside it")
    func apiDefinition() throws {
        let api = try #require(snapshot.catalog[EntityRef(kind: "api", name: "ai-gateway-api")])
        #expect(api.definition?.contains("openapi:") == true)
        #expect(api.definition?.contains("/generate/manifest") == true)
    }

    @Test(
        "relations show in both directions",
        arguments: [
            ("component:default/grafana", RelationType.dependsOn, "component:default/prometheus"),
            ("component:default/prometheus", .dependencyOf, "component:default/grafana"),
            ("component:default/ai-gateway", .providesApi, "api:default/ai-gateway-api"),
            ("api:default/ai-gateway-api", .apiProvidedBy, "component:default/ai-gateway"),
            ("component:default/hello-platform", .consumesApi, "api:default/ai-gateway-api"),
            ("api:default/ai-gateway-api", .apiConsumedBy, "component:default/hello-platform"),
            ("component:default/grafana", .ownedBy, "group:default/platform-team"),
            ("group:default/platform-team", .ownerOf, "component:default/grafana"),
            ("component:default/grafana", .partOf, "system:default/observability"),
            ("system:default/observability", .hasPart, "component:default/grafana"),
            ("system:default/ai", .partOf, "domain:default/homelab"),
            ("user:default/alex", .memberOf, "group:default/platform-team"),
            ("group:default/platform-team", .hasMember, "user:default/alex"),
        ])
    func relations(_ from: String, _ type: RelationType, _ to: String) throws {
        let source = try EntityRef.parse(from, defaultKind: nil, defaultNamespace: "default").get()
        let target = try EntityRef.parse(to, defaultKind: nil, defaultNamespace: "default").get()
        #expect(
            snapshot.catalog.relations(of: source).contains(
                Relation(type: type, target: target, targetExists: true)))
    }

    @Test("the seven ADRs in both styles, with status, date and supersession both ways")
    func adrs() throws {
        #expect(snapshot.adrs.map(\.number) == [1, 2, 3, 4, 5, 6, 7])
        let gitea = try #require(snapshot.adr(id: "004-gitea-mirror"))
        #expect(gitea.status.kind == .superseded)
        #expect(gitea.supersededBy == ["006-github-actions-ghcr"])
        let actions = try #require(snapshot.adr(id: "006-github-actions-ghcr"))
        #expect(actions.status.kind == .accepted)
        #expect(actions.supersedes == ["004-gitea-mirror"])
        #expect(snapshot.adrs.allSatisfy { $0.date?.hasPrefix("2024-") == true })
        let monorepo = try #require(snapshot.adr(id: "001-monorepo"))
        #expect(monorepo.status.kind == .accepted)
        #expect(monorepo.title == "Use a single mono-repo for the homelab platform")
        #expect(monorepo.html.contains("<table>"))
        #expect(
            snapshot.adrs.contains { $0.html.contains(#"href="/adr/"#) },
            "links between ADR files point to portal pages")
    }

    @Test("inventory: the five machines and the three k3s VMs on the HP Mini PC")
    func inventory() throws {
        let inventory = snapshot.inventory
        #expect(inventory.hardware.count == 5)
        let hp = try #require(inventory.hardware.first { $0.name == "hp-mini-pc" })
        #expect(hp.cpu == 28)
        #expect(hp.memoryGB == 31)
        #expect(inventory.nodes(on: "hp-mini-pc").map(\.name) == ["k3s-server-01", "k3s-worker-01", "k3s-worker-02"])
        #expect(inventory.hardware.first { $0.name == "raspberry-pi-4b" }?.count == 3)
        #expect(inventory.hardware.first { $0.gpu != nil }?.gpuVRAMGB == 16)
    }

    @Test("service links, dashboards and Argo CD applications")
    func observability() {
        let services = snapshot.serviceGroups.flatMap(\.services)
        #expect(services.contains { $0.name == "Argo CD" && $0.url == "https://argocd.homelab.local" })
        #expect(snapshot.service(ofType: "grafana")?.url == "https://grafana.homelab.local")
        #expect(snapshot.dashboards.count == 2)
        #expect(
            snapshot.argoApplications.contains {
                $0.name == "ai-generated" && $0.destinationNamespace == "ai-generated" && $0.automated
            })
    }
}

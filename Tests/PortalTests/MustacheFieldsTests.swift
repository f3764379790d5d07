import Foundation
import Mustache
import Platform
import Status
import Testing

@testable import Portal

/// View models that name their fields for Mustache (`MustacheFields.swift`) answer nil for a name
/// they don't list, and a template then shows nothing: a field added to the struct but not to its
/// list vanishes from the page without an error. These tests read every field back by name.
@Suite("View models that name their fields for Mustache")
struct MustacheFieldsTests {
    /// Every stored property that holds a value is answered by `child(named:)`.
    private func expectEveryFieldNamed(
        _ model: some MustacheParent, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        for case (let label?, let value) in Mirror(reflecting: model).children {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, mirror.children.isEmpty { continue }
            #expect(
                model.child(named: label) != nil, "\(type(of: model)).\(label) is not named for Mustache",
                sourceLocation: sourceLocation)
        }
    }

    @Test("the layout, its navigation, catalog rows, tags, options, links and search hits name every field")
    func everyFieldNamed() async throws {
        let snapshot = try platformState(root: repositoryRoot + "/examples/homelab").snapshot
        var layout = LayoutModel(title: "Catalog", section: .catalog, problemCount: 1)
        layout.userName = "alice"
        layout.refresh = true
        layout.body = "<p>body</p>"
        expectEveryFieldNamed(layout)
        expectEveryFieldNamed(try #require(layout.nav.first))

        let catalog = CatalogModel(snapshot: snapshot, query: CatalogQuery())
        let row = try #require(catalog.rows.first { $0.owner != nil && !$0.tags.isEmpty })
        expectEveryFieldNamed(row)
        expectEveryFieldNamed(row.link)
        expectEveryFieldNamed(try #require(row.tags.first))
        expectEveryFieldNamed(try #require(catalog.filters.first?.options.first))

        let results = await snapshot.search.search("monorepo", kind: nil, limit: 5)
        let hit = try #require(SearchModel(text: "monorepo", kind: nil, results: results).hits.first)
        expectEveryFieldNamed(hit)
        expectEveryFieldNamed(try #require(hit.title.first))
    }

    @Test("an entity page's relation groups and owned rows, and ADR rows, name every field")
    func entityAndADRFieldsNamed() throws {
        let snapshot = try platformState(root: repositoryRoot + "/examples/homelab").snapshot
        let group = try #require(snapshot.catalog.entities.first { $0.ref.kind == "group" })
        let model = EntityModel(entity: group, snapshot: snapshot, status: LiveStatus(), now: Date())
        expectEveryFieldNamed(try #require(model.relationGroups.first))
        expectEveryFieldNamed(try #require(model.owned.first { !$0.type.isEmpty }))
        let adr = try #require(snapshot.adrs.first { $0.date != nil })
        expectEveryFieldNamed(ADRRowModel(adr))
    }

    @Test("request rows and timelines, inventory, observability and overview rows name every field")
    func livePageFieldsNamed() throws {
        let snapshot = try platformState(root: repositoryRoot + "/examples/homelab").snapshot
        let badge = StatusBadge(.prOpened)
        expectEveryFieldNamed(badge)
        expectEveryFieldNamed(PullRequestLink("https://git.example/homelab/platform/pulls/7"))
        expectEveryFieldNamed(
            RequestListModel.Row(
                id: "1a2b3c", href: "/requests/1a2b3c", appName: "web", badge: badge, engine: "template",
                requestedBy: "alice", createdAt: "2026-12-03 10:00:00", duration: "0.4 s",
                pullRequest: PullRequestLink("https://git.example/pulls/7")))
        expectEveryFieldNamed(RequestListModel.StatusOption(value: "queued", selected: true))
        expectEveryFieldNamed(
            RequestPageModel.Event(
                at: "10:00:00", badge: badge, message: "pull request opened", actedBy: "alice",
                reporter: "github webhook"
            ))
        expectEveryFieldNamed(
            RequestPageModel.Attempt(
                number: 1, purpose: "generate", engine: "ollama", duration: "2.1 s", tokens: "312 tokens",
                error: "no YAML", rawOutput: "kind: Deployment", prompt: "[]"))
        expectEveryFieldNamed(
            RequestPageModel.Finding(severity: "warning", isError: false, place: "Deployment/web", message: "no probe"))
        expectEveryFieldNamed(
            ArgoStatusModel(ArgoAppStatus(name: "web", sync: "Synced", health: "Healthy", revision: "abc")))
        expectEveryFieldNamed(UpstreamNotice(text: "Kubernetes did not answer.", isError: true))
        expectEveryFieldNamed(CapacityBar(resource: "CPU", allocated: 3, physical: 4, unit: "cores"))
        expectEveryFieldNamed(UsageBar(resource: "CPU", ratio: 0.5))
        let alert = AlertsModel.Alert(name: "NodeDown", summary: "node gpu-1 is down", since: "5 min")
        expectEveryFieldNamed(alert)
        expectEveryFieldNamed(
            AlertsModel.Severity(name: "critical", cssClass: "severity-critical", count: 1, alerts: [alert]))
        expectEveryFieldNamed(
            ServiceHealthModel(check: ServiceCheck(url: "https://grafana.homelab.local"), window: nil, now: Date()))

        let inventory = InventoryModel(snapshot: snapshot, status: LiveStatus(), now: Date())
        expectEveryFieldNamed(try #require(inventory.hardware.first { $0.type != nil && !$0.capacity.isEmpty }))
        expectEveryFieldNamed(try #require(inventory.nodes.first))
        let observability = ObservabilityModel(snapshot: snapshot, status: LiveStatus(), now: Date())
        expectEveryFieldNamed(try #require(observability.dashboards.first))
        expectEveryFieldNamed(try #require(observability.applications.first))
        let overview = OverviewModel(snapshot: snapshot, status: LiveStatus(), now: Date())
        expectEveryFieldNamed(try #require(overview.kindCounts.first))
        expectEveryFieldNamed(try #require(overview.systems.first))
        let group = try #require(overview.serviceGroups.first { $0.description != nil })
        expectEveryFieldNamed(group)
        var card = try #require(group.services.first { $0.entity != nil })
        card.health = ServiceHealthModel(check: ServiceCheck(url: card.url), window: nil, now: Date())
        expectEveryFieldNamed(card)
    }
}

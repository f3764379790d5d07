import Foundation
import Testing

@testable import Platform

@Suite("TechDocs: docs beside an entity, read at load")
struct TechDocsTests {
    private func platform(_ files: [String: String]) throws -> PlatformSnapshot {
        var all = files
        all["catalog/locations.yaml"] = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: documented
              annotations:
                backstage.io/techdocs-ref: dir:./site
            spec: {type: service, lifecycle: production, owner: team}
            ---
            \(teamGroup)
            """
        return try loadPlatform(try temporaryPlatform(all))
    }

    private let ref = EntityRef(kind: "component", name: "documented")

    @Test("without mkdocs.yml the docs folder's pages are the contents, index first, titles from headings")
    func withoutConfig() async throws {
        let snapshot = try platform([
            "catalog/site/docs/zeta.md": "# Zeta page\n",
            "catalog/site/docs/index.md": "# Home\n\n## Part\n\n### Detail\n\n#### Too deep\n",
            "catalog/site/docs/guide/index.md": "No heading here.\n",
        ])
        #expect(snapshot.docs.pageCounts[ref] == 3)
        let site = try #require(await snapshot.docs.sites.value[ref])
        #expect(site.pages.map(\.path) == ["", "guide", "zeta"])
        #expect(site.nav.map(\.title) == ["Home", "index", "Zeta page"])
        #expect(site.pages[0].outline.map(\.id) == ["part", "detail"])
        #expect(snapshot.problems.isEmpty)
    }

    @Test("mkdocs.yml's nav orders the pages; sections nest; its first page is the home page")
    func nav() async throws {
        let snapshot = try platform([
            "catalog/site/mkdocs.yml": """
            site_name: Handbook
            nav:
              - Start: start.md
              - Guides:
                  - guides/one.md
                  - Elsewhere: https://example.com/docs
            plugins: [techdocs-core, search]
            """,
            "catalog/site/docs/start.md":
                "# Start\n\n[one](guides/one.md#setup) ![diagram](img/flow.png) [up](../../other.md)\n",
            "catalog/site/docs/guides/one.md": "# One\n\n## Setup\n\n[back](../start.md)\n",
        ])
        #expect(snapshot.docs.pageCounts[ref] == 2)
        let site = try #require(await snapshot.docs.sites.value[ref])
        #expect(site.siteName == "Handbook")
        #expect(site.pages.first?.path == "start")
        #expect(site.nav.map(\.title) == ["Start", "Guides"])
        #expect(site.nav[1].children.map(\.title) == ["One", "Elsewhere"])
        #expect(site.nav[1].children[1].url == "https://example.com/docs")
        let html = site.pages[0].html
        #expect(html.contains(#"href="/catalog/component/default/documented/docs/guides/one#setup""#))
        #expect(html.contains(#"src="/catalog/component/default/documented/docs/img/flow.png""#))
        #expect(html.contains(#"href="about:blank""#), "a link out of the docs folder is dead")
        #expect(
            site.page("guides/one")?.html.contains(#"href="/catalog/component/default/documented/docs/start""#) == true)
        #expect(snapshot.problems.isEmpty, "techdocs-core and search are harmless: \(snapshot.problems)")
    }

    @Test("repeated headings get distinct anchors; markup in a heading is text in the outline")
    func anchors() {
        let (html, headings) = HeadingAnchors.add(
            to: "<h2>Notes</h2>\n<h2>Notes</h2>\n<h3>A &amp; <code>b</code></h3>\n")
        #expect(headings.map(\.id) == ["notes", "notes-1", "a-b"])
        #expect(headings[2].text == "A & b")
        #expect(html.contains(#"<h2 id="notes-1">Notes</h2>"#))
    }

    @Test("a docs reference to another repository is not a problem and renders nothing")
    func elsewhere() async throws {
        let snapshot = try platform([:])
        #expect(snapshot.docs.pageCounts[ref] == nil)
        #expect(await snapshot.docs.sites.value[ref] == nil)
        #expect(snapshot.problems.isEmpty)
    }
}

@Suite("Decision records kept beside an entity (backstage.io/adr-location)")
struct EntityADRTests {
    @Test("an entity's folder is read like the platform's, its links pointing at the entity's record pages")
    func ownFolder() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: keeper
              annotations: {backstage.io/adr-location: ./decisions}
            spec: {type: service, lifecycle: production, owner: team}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: claimer
              annotations: {backstage.io/adr-location: ../docs/adr}
            spec: {type: service, lifecycle: production, owner: team}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: elsewhere
              annotations: {backstage.io/adr-location: ./not-here}
            spec: {type: service, lifecycle: production, owner: team}
            ---
            \(teamGroup)
            """,
            "catalog/decisions/0001-first.md":
                "---\nstatus: accepted\ndate: 2024-01-02\n---\n# First\n\nSee [next](0002-next.md).\n",
            "catalog/decisions/0002-next.md": "---\nstatus: proposed\n---\n# Next\n",
            "docs/adr/001-platform.md": "---\nstatus: accepted\n---\n# Platform\n",
        ])
        let snapshot = try loadPlatform(root)
        let kept = try #require(snapshot.entityADRs[EntityRef(kind: "component", name: "keeper")])
        #expect(kept.folder == "catalog/decisions")
        #expect(kept.records.map(\.id) == ["0001-first", "0002-next"])
        #expect(kept.records[0].html.contains(#"href="/catalog/component/default/keeper/adr/0002-next""#))
        let claimed = try #require(snapshot.entityADRs[EntityRef(kind: "component", name: "claimer")])
        #expect(claimed.owner == nil, "the platform's own folder: its records stay at /adr")
        #expect(claimed.records.map(\.id) == ["001-platform"])
        #expect(snapshot.entityADRs[EntityRef(kind: "component", name: "elsewhere")] == nil)
        #expect(snapshot.problems.isEmpty)
    }
}

import Foundation
import Testing

@testable import Platform

@Suite("Catalog filters, sort and pages")
struct CatalogQueryTests {
    /// 250 components over two owners and lifecycles, with every tenth tagged `python`.
    static let catalog: Catalog = {
        var files = [
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {target: ./all.yaml}"
        ]
        var documents = [teamGroup, teamGroup.replacingOccurrences(of: "name: team", with: "name: other-team")]
        for index in 1...250 {
            let tags = index % 10 == 0 ? "[python, web]" : "[web]"
            documents.append(
                """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata: {name: svc-\(String(format: "%03d", index)), tags: \(tags), description: "Service number \(index)"}
                spec: {type: \(index % 2 == 0 ? "service" : "website"), lifecycle: \(index <= 100 ? "production" : "experimental"), owner: \(index % 3 == 0 ? "other-team" : "team")}
                """)
        }
        files["catalog/all.yaml"] = documents.joined(separator: "\n---\n")
        return try! loadPlatform(try! temporaryPlatform(files)).catalog
    }()

    @Test("the first page holds 100 rows, sorted by name")
    func firstPage() {
        let page = Self.catalog.page(for: CatalogQuery())
        #expect(page.total == 253)
        #expect(page.pageCount == 3)
        #expect(page.entities.count == 100)
        #expect(page.entities.first?.name == "other-team")
        #expect(page.entities.map(\.name) == page.entities.map(\.name).sorted())
    }

    @Test("a page past the end shows the last page")
    func clampedPage() {
        let page = Self.catalog.page(for: CatalogQuery(page: 99))
        #expect(page.page == 3)
        #expect(page.entities.count == 53)
    }

    @Test(
        "filters combine",
        arguments: [
            (CatalogQuery(kind: "component"), 250),
            (CatalogQuery(kind: "group"), 2),
            (CatalogQuery(type: "service"), 125),
            (CatalogQuery(owner: "other-team"), 83),
            (CatalogQuery(owner: "group:default/team"), 167),
            (CatalogQuery(lifecycle: "production", tag: "python"), 10),
            (CatalogQuery(tag: "python", text: "number 25"), 1),
            (CatalogQuery(text: "SVC-24"), 10),
            (CatalogQuery(kind: "api"), 0),
        ])
    func filters(_ query: CatalogQuery, _ expected: Int) {
        #expect(Self.catalog.page(for: query).total == expected)
    }

    @Test("sorting by another column, descending")
    func sorting() {
        let page = Self.catalog.page(for: CatalogQuery(kind: "component", sort: .owner, descending: true))
        #expect(page.entities.first?.owner?.name == "team")
        let names = Self.catalog.page(for: CatalogQuery(kind: "component", descending: true)).entities.map(\.name)
        #expect(names.first == "svc-250")
    }

    @Test("query strings are read leniently")
    func parsing() {
        let values = ["kind": "Component", "owner": " Team ", "q": "", "sort": "bogus", "order": "desc", "page": "-4"]
        let query = CatalogQuery { values[$0] }
        #expect(query == CatalogQuery(kind: "component", owner: "team", sort: .name, descending: true, page: 1))
    }

    @Test("facets list each value once")
    func facets() {
        let facets = Self.catalog.facets
        #expect(facets.kinds == ["component", "group", "location"])
        #expect(facets.lifecycles == ["experimental", "production"])
        #expect(facets.tags == ["python", "web"])
        #expect(facets.owners.map(\.name) == ["other-team", "team"])
    }
}

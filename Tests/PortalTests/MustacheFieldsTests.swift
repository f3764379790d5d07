import Mustache
import Platform
import Testing
@testable import Portal

/// View models that name their fields for Mustache must name every field: a field added to the
/// struct but not to `child(named:)` would render as nothing, silently.
@Suite("View models name all their fields for Mustache")
struct MustacheFieldsTests {
    static func unnamedFields(_ value: some MustacheParent) -> [String] {
        Mirror(reflecting: value).children.compactMap(\.label).filter { value.child(named: $0) == nil }
    }

    @Test("every stored field answers")
    func allFieldsAnswer() throws {
        let catalog = try platformState(root: repositoryRoot + "/examples/homelab").snapshot.catalog
        var layout = LayoutModel(title: "t", section: .catalog, problemCount: 1)
        layout.userName = "alice"
        let link = EntityLinkModel(EntityRef(kind: "group", name: "platform-team"), in: catalog)
        let row = CatalogModel.Row(link: link, kind: "Component", type: "service", owner: link, lifecycle: "production",
                                   tags: [CatalogModel.Tag(name: "go", href: "/catalog?tag=go")], description: "d")
        let hit = SearchModel.Hit(title: [SearchModel.Part(TextPart("a", isMatch: true))], href: "/", kind: "API", detail: "d",
                                  snippet: [], isExternal: false)
        let unnamed = Self.unnamedFields(layout) + Self.unnamedFields(layout.nav[0]) + Self.unnamedFields(link)
            + Self.unnamedFields(row) + Self.unnamedFields(row.tags[0])
            + Self.unnamedFields(CatalogModel.Option(value: "v", label: "l", selected: true))
            + Self.unnamedFields(hit) + Self.unnamedFields(hit.title[0])
        #expect(unnamed == [])
    }
}

import Testing

@testable import Platform

/// The precomputed catalog index must give exactly what filtering and sorting every entity gave.
@Suite("Catalog pages from the index")
struct CatalogIndexTests {
    /// 300 entities over kinds, types, owners, lifecycles and tags, with ties on every sort key.
    static let catalog: Catalog = {
        var documents = ["team-a", "team-b", "team-c"].map { name in
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: \(name)}\nspec: {type: team, children: []}"
        }
        for index in 0..<300 {
            let kind = ["Component", "Component", "Resource", "API"][index % 4]
            let tags = ["[web]", "[web, python]", "[]", "[go, web]", "[python]"][index % 5]
            let lifecycle = index % 7 == 0 ? "" : "lifecycle: \(["production", "experimental"][index % 2]), "
            documents.append(
                """
                apiVersion: backstage.io/v1alpha1
                kind: \(kind)
                metadata: {name: item-\(index * 7919 % 1000), tags: \(tags), description: "Item \(index % 13) of the lot"}
                spec: {type: \(["service", "website", "database"][index % 3]), \(lifecycle)owner: team-\(["a", "b", "c"][index % 3]), definition: x}
                """)
        }
        let root = try! temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {target: ./all.yaml}",
            "catalog/all.yaml": documents.joined(separator: "\n---\n"),
        ])
        return try! loadPlatform(root).catalog
    }()

    /// The catalog's former algorithm: filter every entity and stable-sort the matches (the pages
    /// are slices of this).
    static func reference(_ catalog: Catalog, _ query: CatalogQuery) -> [String] {
        let owner = query.owner.flatMap {
            try? EntityRef.parse($0, defaultKind: "group", defaultNamespace: EntityRef.defaultNamespace).get()
        }
        let matches = catalog.entities.filter { entity in
            if let kind = query.kind, entity.ref.kind != kind { return false }
            if let type = query.type, entity.type != type { return false }
            if let lifecycle = query.lifecycle, entity.lifecycle != lifecycle { return false }
            if query.owner != nil, entity.owner != owner { return false }
            if let tag = query.tag, !entity.tags.contains(tag) { return false }
            if let text = query.text?.lowercased(),
                !([entity.name, entity.title ?? "", entity.description ?? ""] + entity.tags).joined(separator: "\n")
                    .lowercased().contains(text)
            {
                return false
            }
            return true
        }
        let key: (Entity) -> String = { entity in
            switch query.sort {
            case .name: return entity.name.lowercased()
            case .kind: return entity.ref.kind
            case .type: return entity.type ?? ""
            case .owner: return entity.owner?.name ?? ""
            case .lifecycle: return entity.lifecycle ?? ""
            }
        }
        return matches.enumerated().sorted { lhs, rhs in
            let (a, b) = (key(lhs.element), key(rhs.element))
            if a != b { return query.descending ? a > b : a < b }
            return lhs.offset < rhs.offset
        }.map(\.element.name)
    }

    static let filters: [CatalogQuery] = [
        CatalogQuery(),
        CatalogQuery(kind: "component"),
        CatalogQuery(kind: "resource", owner: "team-b"),
        CatalogQuery(type: "service", lifecycle: "production", tag: "web"),
        CatalogQuery(owner: "group:default/team-c", tag: "python"),
        CatalogQuery(tag: "go", text: "item 1"),
        CatalogQuery(text: "OF THE"),
        CatalogQuery(kind: "api", tag: "nothing-has-this"),
        CatalogQuery(owner: "user:nobody"),
    ]

    @Test("filters, every sort and direction, every page", arguments: filters)
    func sameAsFilteringEverything(_ filter: CatalogQuery) {
        for sort in CatalogQuery.SortField.allCases {
            for descending in [false, true] {
                var query = filter
                query.sort = sort
                query.descending = descending
                let expected = Self.reference(Self.catalog, query)
                let pageCount = max(1, (expected.count + CatalogQuery.pageSize - 1) / CatalogQuery.pageSize)
                for page in 1...(pageCount + 1) {
                    query.page = page
                    // Past the last page, the last page.
                    let start = (min(page, pageCount) - 1) * CatalogQuery.pageSize
                    let actual = Self.catalog.page(for: query)
                    #expect(
                        actual.entities.map(\.name)
                            == Array(expected[start..<min(start + CatalogQuery.pageSize, expected.count)]), "\(query)")
                    #expect(
                        actual.total == expected.count && actual.page == min(page, pageCount)
                            && actual.pageCount == pageCount, "\(query)")
                }
            }
        }
    }

    @Test("a kind's entities and a relation count, read from the indexes, are what a pass over every entity gives")
    func kindsAndRelationCounts() throws {
        let catalog = try loadPlatform(repositoryRoot + "/examples/homelab").catalog
        for kind in catalog.facets.kinds {
            #expect(
                catalog.entities(ofKind: kind).map(\.ref) == catalog.entities.filter { $0.ref.kind == kind }.map(\.ref))
        }
        #expect(catalog.entities(ofKind: "no-such-kind").isEmpty)
        for entity in catalog.entities {
            for type in RelationType.allCases {
                for kind in catalog.facets.kinds {
                    let counted = catalog.relations(of: entity.ref).filter {
                        $0.type == type && $0.targetExists && $0.target.kind == kind
                    }.count
                    #expect(catalog.relationCount(of: entity.ref, type: type, targetKind: kind) == counted)
                }
            }
        }
        #expect(
            catalog.relationCount(of: EntityRef(kind: "system", name: "ai"), type: .hasPart, targetKind: "component")
                > 0)
    }
}

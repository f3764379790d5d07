import Foundation

/// The catalog table's filters, sort and page, as they appear in the query string.
public struct CatalogQuery: Sendable, Hashable {
    public var kind: String?
    public var type: String?
    public var owner: String?
    public var lifecycle: String?
    public var tag: String?
    /// Free text, matched case-insensitively against name, title, description and tags.
    public var text: String?
    public var sort: SortField = .name
    public var descending = false
    public var page = 1

    public static let pageSize = 100

    public enum SortField: String, Sendable, CaseIterable {
        case name, kind, type, owner, lifecycle
    }

    public init(
        kind: String? = nil, type: String? = nil, owner: String? = nil, lifecycle: String? = nil, tag: String? = nil,
        text: String? = nil, sort: SortField = .name, descending: Bool = false, page: Int = 1
    ) {
        self.kind = kind
        self.type = type
        self.owner = owner
        self.lifecycle = lifecycle
        self.tag = tag
        self.text = text
        self.sort = sort
        self.descending = descending
        self.page = page
    }

    /// `?kind=all`: every kind. Without `kind` the catalog shows Components, as Backstage opens.
    public static let allKinds = "all"
    public static let defaultKind = "component"

    /// Reads the query string's values; blank values mean "no filter", unknown sorts fall back to
    /// name, and no `kind` means Components.
    public init(parameters: (String) -> String?) {
        func value(_ name: String) -> String? {
            guard let raw = parameters(name)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return String(raw.prefix(200))
        }
        self.init(
            kind: value("kind").map { $0.lowercased() == Self.allKinds ? nil : $0.lowercased() } ?? Self.defaultKind,
            type: value("type"),
            owner: value("owner")?.lowercased(),
            lifecycle: value("lifecycle"),
            tag: value("tag"),
            text: value("q"),
            sort: value("sort").flatMap(SortField.init(rawValue:)) ?? .name,
            descending: value("order") == "desc",
            page: max(1, value("page").flatMap { Int($0) } ?? 1)
        )
    }
}

/// One page of the filtered, sorted catalog.
public struct CatalogPage: Sendable {
    public var entities: [Entity]
    /// How many entities match the filters, over all pages.
    public var total: Int
    public var page: Int
    public var pageCount: Int
}

extension Catalog {
    /// Applies `query`: filter, then sort, then cut out the requested page (clamped to the last one).
    public func page(for query: CatalogQuery) -> CatalogPage {
        let owner = query.owner.flatMap {
            try? EntityRef.parse($0, defaultKind: "group", defaultNamespace: EntityRef.defaultNamespace).get()
        }
        let (positions, total, page) = pageIndex.page(for: query, owner: owner, entities: entities)
        return CatalogPage(
            entities: positions.map { entities[Int($0)] },
            total: total,
            page: page,
            pageCount: max(1, (total + CatalogQuery.pageSize - 1) / CatalogQuery.pageSize)
        )
    }
}

public struct CatalogFacets: Sendable {
    /// How many entities each kind has, for the kind tabs.
    public var kindCounts: [String: Int]
    public var kinds: [String] { kindCounts.keys.sorted() }
    public var types: [String]
    public var owners: [EntityRef]
    public var lifecycles: [String]
    public var tags: [String]
}

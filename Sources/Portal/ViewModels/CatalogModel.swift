import Platform
import SiteURL

/// `/catalog`: the filter form, the sortable table and the pager.
struct CatalogModel: Sendable {
    /// A tag's entities of every kind: a tag on an API means APIs too.
    static func tagHref(_ tag: String) -> String {
        SiteURL.catalog.with([("kind", CatalogQuery.allKinds), ("tag", tag)])
    }

    struct Filter: Sendable {
        var name: String
        var label: String
        var options: [Option]
    }

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    struct SortHeader: Sendable {
        var label: String
        var href: String
        /// `ascending`, `descending` or `none`, for `aria-sort`.
        var ariaSort: String
    }

    struct Row: Sendable {
        var link: EntityLinkModel
        var kind: String
        var type: String
        var owner: EntityLinkModel?
        var lifecycle: String
        /// The system it is part of (`spec.system`).
        var system: EntityLinkModel?
        var tags: [Tag]
        var description: String
    }

    struct Tag: Sendable {
        var name: String
        var href: String
    }

    /// One tab of the kind switcher: Components first, then the other kinds, then all.
    struct KindTab: Sendable {
        var label: String
        var count: Int
        var href: String
        var current: Bool
    }

    var text: String
    var kinds: [KindTab]
    /// The kind shown, kept by the filter form; nil for all kinds.
    var kind: String?
    var filters: [Filter]
    var headers: [SortHeader]
    var rows: [Row]
    var total: Int
    var isEmpty: Bool
    var isFiltered: Bool
    var from: Int
    var to: Int
    var page: Int
    var pageCount: Int
    var previousHref: String?
    var nextHref: String?

    init(snapshot: PlatformSnapshot, query: CatalogQuery) {
        let catalog = snapshot.catalog
        let result = catalog.page(for: query)
        let facets = catalog.facets

        func parameters(sort: CatalogQuery.SortField? = nil, descending: Bool? = nil, page: Int? = nil) -> [(
            String, String?
        )] {
            let sortField = sort ?? query.sort
            let isDescending = descending ?? query.descending
            return [
                ("kind", query.kind ?? CatalogQuery.allKinds), ("type", query.type), ("owner", query.owner),
                ("lifecycle", query.lifecycle),
                ("tag", query.tag), ("q", query.text),
                ("sort", sortField == .name ? nil : sortField.rawValue),
                ("order", isDescending ? "desc" : nil),
                ("page", (page ?? 1) > 1 ? String(page!) : nil),
            ]
        }

        func options(_ values: [String], selected: String?, label: (String) -> String = { $0 }) -> [Option] {
            values.map { Option(value: $0, label: label($0), selected: $0 == selected) }
        }

        text = query.text ?? ""
        kind = query.kind ?? CatalogQuery.allKinds
        let kindOrder = facets.kinds.sorted { ($0 == "component" ? 0 : 1, $0) < ($1 == "component" ? 0 : 1, $1) }
        // A tab keeps the searched text only: types, owners and tags differ from kind to kind.
        kinds =
            kindOrder.map { name in
                KindTab(
                    label: EntityKind(rawValue: name)?.displayName ?? name, count: facets.kindCounts[name] ?? 0,
                    href: SiteURL.catalog.with([("kind", name), ("q", query.text)]), current: name == query.kind)
            } + [
                KindTab(
                    label: "All", count: catalog.entities.count,
                    href: SiteURL.catalog.with([("kind", CatalogQuery.allKinds), ("q", query.text)]),
                    current: query.kind == nil)
            ]
        filters = [
            Filter(name: "type", label: "Type", options: options(facets.types, selected: query.type)),
            Filter(
                name: "owner", label: "Owner",
                options: facets.owners.map { owner in
                    Option(
                        value: owner.description, label: EntityLinkModel(owner, in: catalog).label,
                        selected: query.owner.flatMap {
                            try? EntityRef.parse($0, defaultKind: "group", defaultNamespace: EntityRef.defaultNamespace)
                                .get()
                        } == owner)
                }),
            Filter(
                name: "lifecycle", label: "Lifecycle", options: options(facets.lifecycles, selected: query.lifecycle)),
            Filter(name: "tag", label: "Tag", options: options(facets.tags, selected: query.tag)),
        ]
        headers = CatalogQuery.SortField.allCases.map { field in
            let isCurrent = field == query.sort
            return SortHeader(
                label: field.rawValue.capitalized,
                href: SiteURL.catalog.with(parameters(sort: field, descending: isCurrent ? !query.descending : false)),
                ariaSort: isCurrent ? (query.descending ? "descending" : "ascending") : "none"
            )
        }
        rows = result.entities.map { entity in
            Row(
                link: EntityLinkModel(entity.ref, in: catalog),
                kind: entity.isCoreKind ? EntityKind(rawValue: entity.ref.kind)!.displayName : entity.kind,
                type: entity.type ?? "",
                owner: entity.owner.map { EntityLinkModel($0, in: catalog) },
                lifecycle: entity.lifecycle ?? "",
                system: catalog.relations(of: entity.ref).first {
                    $0.type == .partOf && $0.target.kind == "system"
                }
                .map { EntityLinkModel($0.target, in: catalog) },
                tags: entity.tags.map { Tag(name: $0, href: CatalogModel.tagHref($0)) },
                description: entity.description ?? ""
            )
        }
        total = result.total
        isEmpty = result.total == 0
        isFiltered = query != CatalogQuery(sort: query.sort, descending: query.descending, page: query.page)
        from = result.total == 0 ? 0 : (result.page - 1) * CatalogQuery.pageSize + 1
        to = from + result.entities.count - (result.total == 0 ? 0 : 1)
        page = result.page
        pageCount = result.pageCount
        previousHref = result.page > 1 ? SiteURL.catalog.with(parameters(page: result.page - 1)) : nil
        nextHref = result.page < result.pageCount ? SiteURL.catalog.with(parameters(page: result.page + 1)) : nil
    }
}

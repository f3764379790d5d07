/// The catalog's orders and filter postings, computed once per snapshot so that a catalog page
/// costs a walk over one precomputed order, never a filter-and-sort of every entity.
///
/// Entity positions are indexes into `Catalog.entities` (kept in ref order); every posting list
/// is sorted by position.
struct CatalogIndex: Sendable {
    /// Positions of all entities for each sort, ascending and descending. Ties keep ref order in
    /// both directions, as a stable sort of the ref-ordered list does.
    private var ascending: [CatalogQuery.SortField: [Int32]] = [:]
    private var descending: [CatalogQuery.SortField: [Int32]] = [:]
    private var byKind: [String: [Int32]] = [:]
    private var byType: [String: [Int32]] = [:]
    private var byOwner: [EntityRef: [Int32]] = [:]
    private var byLifecycle: [String: [Int32]] = [:]
    private var byTag: [String: [Int32]] = [:]

    /// The postings and each sort order of `entities`, independent of each other, built on all
    /// cores at once: one after the other, the orders were the load's last 0.15 s at 50,000
    /// components.
    init(entities: [Entity]) {
        let orders = CatalogQuery.SortField.allCases.map { field -> @Sendable () -> Self in
            { Self(order: field, of: entities) }
        }
        let parts = concurrently([{ Self(postingsOf: entities) }] + orders)
        self = parts[0]
        for part in parts.dropFirst() {
            ascending.merge(part.ascending) { $1 }
            descending.merge(part.descending) { $1 }
        }
    }

    /// The order of `entities` by `field`, both ways, without the postings.
    private init(order field: CatalogQuery.SortField, of entities: [Entity]) {
        (ascending[field], descending[field]) = Self.orders(keys: entities.map { Self.sortKey(field, $0) })
    }

    /// The filters' postings of `entities`, without the orders.
    private init(postingsOf entities: [Entity]) {
        for (position, entity) in entities.enumerated() {
            let position = Int32(position)
            byKind[entity.ref.kind, default: []].append(position)
            if let type = entity.type { byType[type, default: []].append(position) }
            if let owner = entity.owner { byOwner[owner, default: []].append(position) }
            if let lifecycle = entity.lifecycle { byLifecycle[lifecycle, default: []].append(position) }
            // A tag written twice lists the entity once; a Set per entity cost more than this scan.
            for (index, tag) in entity.tags.enumerated() where !entity.tags[..<index].contains(tag) {
                byTag[tag, default: []].append(position)
            }
        }
    }

    /// Positions of the entities of `kind` (lowercased), in catalog order.
    func positions(ofKind kind: String) -> [Int32] {
        byKind[kind] ?? []
    }

    /// The values each filter takes, with the kinds' counts: the postings' keys, no second pass
    /// over the entities.
    var facets: CatalogFacets {
        CatalogFacets(
            kindCounts: byKind.mapValues(\.count), types: byType.keys.sorted(), owners: byOwner.keys.sorted(),
            lifecycles: byLifecycle.keys.sorted(), tags: byTag.keys.sorted())
    }

    /// The positions ordered by `keys`, ascending and descending, ties in position order both ways.
    ///
    /// Each distinct key is ranked once, then the positions are bucketed by rank, a stable
    /// counting sort: a sort comparing the keys themselves, string to string, was more than half
    /// of this index's cost at 50,000 components.
    private static func orders(keys: [String]) -> (ascending: [Int32], descending: [Int32]) {
        let distinct = Set(keys).sorted()
        let rankOf = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        let ranks = keys.map { rankOf[$0]! }
        // Where each rank's bucket starts in the ascending order; the last entry is the count.
        var starts = [Int](repeating: 0, count: distinct.count + 1)
        for rank in ranks { starts[rank + 1] += 1 }
        for rank in distinct.indices { starts[rank + 1] += starts[rank] }
        var next = starts
        var ascending = [Int32](repeating: 0, count: keys.count)
        for (position, rank) in ranks.enumerated() {
            ascending[next[rank]] = Int32(position)
            next[rank] += 1
        }
        var descending: [Int32] = []
        descending.reserveCapacity(keys.count)
        for rank in distinct.indices.reversed() { descending += ascending[starts[rank]..<starts[rank + 1]] }
        return (ascending, descending)
    }

    private static func sortKey(_ field: CatalogQuery.SortField, _ entity: Entity) -> String {
        switch field {
        // The ref holds the name lowercased already.
        case .name: return entity.ref.name
        case .kind: return entity.ref.kind
        case .type: return entity.type ?? ""
        case .owner: return entity.owner?.name ?? ""
        case .lifecycle: return entity.lifecycle ?? ""
        }
    }

    /// Positions of the requested page in display order, and how many entities match in all.
    func page(for query: CatalogQuery, owner: EntityRef?, entities: [Entity]) -> (
        positions: [Int32], total: Int, page: Int
    ) {
        let entityCount = entities.count
        let order = (query.descending ? descending : ascending)[query.sort] ?? []
        // Each filter is a posting list; the text filter, rarer, narrows what they leave.
        var lists: [[Int32]] = []
        if let kind = query.kind { lists.append(byKind[kind] ?? []) }
        if let type = query.type { lists.append(byType[type] ?? []) }
        if query.owner != nil { lists.append(owner.flatMap { byOwner[$0] } ?? []) }
        if let lifecycle = query.lifecycle { lists.append(byLifecycle[lifecycle] ?? []) }
        if let tag = query.tag { lists.append(byTag[tag] ?? []) }

        var matches: [Int32]? = lists.isEmpty ? nil : Self.intersect(lists)
        // Substrings of free text cannot be indexed by word; the pages it gives are cached.
        if let needle = query.text?.lowercased() {
            matches = (matches ?? Array(0..<Int32(entityCount))).filter { position in
                let entity = entities[Int(position)]
                return ([entity.name, entity.title ?? "", entity.description ?? ""] + entity.tags).joined(
                    separator: "\n"
                ).lowercased().contains(needle)
            }
        }

        let pageSize = CatalogQuery.pageSize
        guard let matches else {
            // No filter: the page is a slice of the precomputed order.
            let (page, start) = Self.clamp(query.page, total: order.count)
            return (Array(order[start..<min(start + pageSize, order.count)]), order.count, page)
        }
        var isMatch = [Bool](repeating: false, count: entityCount)
        for position in matches { isMatch[Int(position)] = true }
        let (page, start) = Self.clamp(query.page, total: matches.count)
        var positions: [Int32] = []
        positions.reserveCapacity(min(pageSize, matches.count))
        var seen = 0
        for position in order where isMatch[Int(position)] {
            if seen >= start { positions.append(position) }
            seen += 1
            if positions.count == pageSize { break }
        }
        return (positions, matches.count, page)
    }

    /// The requested page clamped to the last one, and the offset of its first row.
    private static func clamp(_ requested: Int, total: Int) -> (page: Int, start: Int) {
        let pageCount = max(1, (total + CatalogQuery.pageSize - 1) / CatalogQuery.pageSize)
        let page = min(requested, pageCount)
        return (page, (page - 1) * CatalogQuery.pageSize)
    }

    /// Positions present in every list, shortest list first.
    private static func intersect(_ lists: [[Int32]]) -> [Int32] {
        let sorted = lists.sorted { $0.count < $1.count }
        return sorted.dropFirst().reduce(sorted[0]) { result, list in
            var kept: [Int32] = []
            var other = 0
            for position in result {
                while other < list.count, list[other] < position { other += 1 }
                if other < list.count, list[other] == position { kept.append(position) }
            }
            return kept
        }
    }
}

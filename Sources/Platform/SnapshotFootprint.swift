import Foundation

/// What one part of a loaded snapshot keeps on the heap: `homeport check --memory` prints these,
/// and `bench/run` reports them beside the server's resident memory.
public struct FootprintPart: Sendable {
    public var name: String
    public var bytes: Int
}

extension PlatformSnapshot {
    /// Takes `snapshot` apart, once its search index is built, and gives the heap bytes each
    /// drop handed back, in the order the parts are dropped. `heapInUse` reads the allocator's
    /// count of bytes in use.
    ///
    /// A value that two parts share is counted for the one dropped last: the search index and
    /// the page orders point into the entities, so the entities go late, and "the rest" (load
    /// problems, inventory, service links, dashboards, Argo CD applications) last.
    public static func footprint(
        of snapshot: consuming PlatformSnapshot, heapInUse: () -> Int
    ) async -> [FootprintPart] {
        _ = await snapshot.search.value
        var held: PlatformSnapshot? = consume snapshot
        var parts: [FootprintPart] = []
        var before = heapInUse()
        func dropped(_ name: String, _ drop: (inout PlatformSnapshot) -> Void) {
            drop(&held!)
            let now = heapInUse()
            parts.append(FootprintPart(name: name, bytes: before - now))
            before = now
        }
        dropped("search index") { snapshot in
            weak var built = snapshot.search
            snapshot.search = Deferred { SearchIndex(documents: []) }
            // The thread that built the index holds it (and, through it, the entities)
            // until just after it handed it over: wait for it to let go, for up to a second.
            for _ in 0..<1000 where built != nil { usleep(1000) }
        }
        dropped("TechDocs sites (rendered HTML)") { $0.docs = TechDocsSites([]) }
        dropped("entities' own ADRs") { $0.entityADRs = [:] }
        dropped("platform ADRs (rendered HTML)") { $0.adrs = [] }
        dropped("relation table") {
            $0.catalog.relationTable = RelationTable(entityCount: 0, declared: [], dangling: [])
        }
        dropped("catalog page orders and filters") { $0.catalog.pageIndex = CatalogIndex(entities: []) }
        dropped("catalog facets") { $0.catalog.facets = CatalogIndex(entities: []).facets }
        dropped("entity lookup by ref") { $0.catalog.index = [:] }
        dropped("entities (their fields and YAML strings)") { $0.catalog.entities = [] }
        let now = heapInUse()
        held = nil
        parts.append(FootprintPart(name: "the rest (problems, inventory, links, dashboards)", bytes: now - heapInUse()))
        return parts
    }
}

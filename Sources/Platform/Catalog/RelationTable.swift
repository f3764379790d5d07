/// Every entity's relations, both directions, in one flat table: the relations of the entity at
/// position `p` of the catalog are `edges[starts[p]..<starts[p + 1]]`, sorted by type, then by
/// the target's place in ref order (targets not in the catalog last, by ref).
///
/// An edge is a type and a target position in 8 bytes, where a `Relation` holds three strings:
/// 166,000 relations at 10,000 components took 9 MiB as arrays of `Relation` in a dictionary,
/// 1.3 MiB here. `Relation` values are made when a page asks for them.
struct RelationTable: Sendable {
    struct Edge: Sendable, Equatable {
        var type: RelationType
        /// A position in the catalog's entities, or `-1 - i` for `dangling[i]`.
        var target: Int32
    }

    private var starts: [Int32]
    private var edges: [Edge]
    /// Targets of relations that are not in the catalog, in ref order.
    private var dangling: [EntityRef]

    /// `declared` holds each relation as its source declared it (source and target positions,
    /// a dangling target as `-1 - i` for `dangling[i]`); the inverse of each one that exists is
    /// added here, and one declared on both sides is kept once.
    init(entityCount: Int, declared: [(source: Int32, edge: Edge)], dangling: [EntityRef]) {
        // Each edge of both directions as one integer that sorts in the table's order: source,
        // then type, then target's place (a dangling target after every entity, in ref order).
        // Sorting integers, not tuples compared field by field, is most of this step's speed.
        let rank = RelationType.rank
        let types = RelationType.allCases
        func key(_ source: Int32, _ edge: Edge) -> UInt64 {
            let place = edge.target >= 0 ? UInt64(edge.target) : UInt64(entityCount) + UInt64(-1 - edge.target)
            return UInt64(source) << 32 | UInt64(rank[edge.type]!) << 27 | place
        }
        var keys: [UInt64] = []
        keys.reserveCapacity(declared.count * 2)
        for item in declared {
            keys.append(key(item.source, item.edge))
            if item.edge.target >= 0 {
                keys.append(key(item.edge.target, Edge(type: item.edge.type.inverse, target: item.source)))
            }
        }
        keys.sort()
        var starts = [Int32](repeating: 0, count: entityCount + 1)
        var edges: [Edge] = []
        edges.reserveCapacity(keys.count)
        var previous: UInt64?
        // A relation declared on both sides gives the same key twice, and is kept once.
        for key in keys where key != previous {
            let place = Int(key & (1 << 27 - 1))
            let target = place < entityCount ? Int32(place) : Int32(-1 - (place - entityCount))
            edges.append(Edge(type: types[Int(key >> 27 & 31)], target: target))
            starts[Int(key >> 32) + 1] += 1
            previous = key
        }
        for position in 0..<entityCount { starts[position + 1] += starts[position] }
        self.starts = starts
        self.edges = edges
        self.dangling = dangling
    }

    /// How many relations of `type` the entity at `position` has to entities in the catalog that
    /// `target` accepts, without making `Relation` values.
    func count(at position: Int, type: RelationType, entities: [Entity], target: (Entity) -> Bool) -> Int {
        edges[Int(starts[position])..<Int(starts[position + 1])].reduce(0) { count, edge in
            edge.type == type && edge.target >= 0 && target(entities[Int(edge.target)]) ? count + 1 : count
        }
    }

    /// The relations of the entity at `position`, with the targets' refs from `entities`.
    func relations(at position: Int, entities: [Entity]) -> [Relation] {
        edges[Int(starts[position])..<Int(starts[position + 1])].map { edge in
            edge.target >= 0
                ? Relation(type: edge.type, target: entities[Int(edge.target)].ref, targetExists: true)
                : Relation(type: edge.type, target: dangling[Int(-1 - edge.target)], targetExists: false)
        }
    }
}

extension RelationType {
    /// Each type's place in `allCases`: the order relations are listed in.
    static let rank = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

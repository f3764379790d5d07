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
        var all: [(source: Int32, edge: Edge)] = []
        all.reserveCapacity(declared.count * 2)
        for item in declared {
            all.append(item)
            if item.edge.target >= 0 {
                all.append((item.edge.target, Edge(type: item.edge.type.inverse, target: item.source)))
            }
        }
        let rank = RelationType.rank
        // A dangling target sorts after every entity, in ref order.
        let place = { (target: Int32) -> Int in target >= 0 ? Int(target) : entityCount + Int(-1 - target) }
        all.sort { lhs, rhs in
            if lhs.source != rhs.source { return lhs.source < rhs.source }
            let (left, right) = (rank[lhs.edge.type]!, rank[rhs.edge.type]!)
            if left != right { return left < right }
            return place(lhs.edge.target) < place(rhs.edge.target)
        }
        var starts = [Int32](repeating: 0, count: entityCount + 1)
        var edges: [Edge] = []
        edges.reserveCapacity(all.count)
        var previous: (source: Int32, edge: Edge)?
        for item in all {
            if let previous, previous.source == item.source, previous.edge == item.edge { continue }
            edges.append(item.edge)
            starts[Int(item.source) + 1] += 1
            previous = item
        }
        for position in 0..<entityCount { starts[position + 1] += starts[position] }
        self.starts = starts
        self.edges = edges
        self.dangling = dangling
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

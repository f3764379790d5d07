import Foundation
import YAML

/// The catalog as loaded: entities in a stable order, their relations both ways, and what failed.
public struct Catalog: Sendable {
    public var entities: [Entity]
    /// Position of each entity in `entities`.
    public var index: [EntityRef: Int]
    /// Outgoing and incoming relations of each entity.
    var relationTable: RelationTable
    /// Sort orders and filter postings for catalog pages.
    var pageIndex: CatalogIndex
    /// The distinct values each filter can take, computed once at load for the filter form.
    public var facets: CatalogFacets

    /// The files the catalog was read from, to read an entity's spec again.
    let files: PlatformFiles

    public subscript(ref: EntityRef) -> Entity? {
        index[ref].map { entities[$0] }
    }

    /// The entity's `spec` as YAML for its page, read again from its file: `.changed` when the
    /// file is no longer what the catalog was loaded from (the next reload shows it).
    public func spec(of entity: Entity) -> EntitySpec {
        guard let fingerprint = entity.specFingerprint else { return .none }
        guard case .success(let bytes) = files.read(entity.source.file),
            EntityParser.fingerprint(bytes) == fingerprint,
            let document = try? YAML.parseDocuments(bytes: bytes).first(where: { $0.mark.line == entity.source.line }),
            let spec = document["spec"].flatMap({ EntityParser.shown($0, definitionApart: entity.definition != nil) })
        else { return .changed }
        return .text(YAMLWriter.string(spec))
    }

    /// The entities of `kind` (lowercased), in catalog order, from the page index's postings.
    public func entities(ofKind kind: String) -> [Entity] {
        pageIndex.positions(ofKind: kind).map { entities[Int($0)] }
    }

    /// How many relations of `type` `ref` has to entities of the catalog of `targetKind`.
    public func relationCount(of ref: EntityRef, type: RelationType, targetKind: String) -> Int {
        index[ref].map {
            relationTable.count(at: $0, type: type, entities: entities) { $0.ref.kind == targetKind }
        } ?? 0
    }

    /// Outgoing and incoming relations of `ref`, sorted by type then target; none for a ref
    /// that is not in the catalog.
    public func relations(of ref: EntityRef) -> [Relation] {
        index[ref].map { relationTable.relations(at: $0, entities: entities) } ?? []
    }
}

/// What the entity page shows as an entity's spec.
public enum EntitySpec: Sendable, Equatable {
    /// The entity has no spec to show.
    case none
    case text(String)
    /// The entity's file changed since the catalog was loaded.
    case changed
}

/// Follows Locations from the root file and builds the catalog.
///
/// Rules, as in Backstage: targets are relative to the file that names them (globs allowed),
/// refs default to the kind a field implies and to the holder's namespace, an entity declared
/// twice keeps its first declaration, and unknown kinds are kept. Files that leave the platform
/// root are refused.
struct CatalogLoader {
    let files: PlatformFiles
    var problems: [LoadProblem] = []

    init(files: PlatformFiles) {
        self.files = files
    }

    /// The entities of every file the Locations lead to, first declarations only; `link` makes
    /// them a catalog.
    mutating func parse(rootLocation: String) -> [ParsedEntity] {
        var parsed: [ParsedEntity] = []
        var seen: [EntityRef: SourceLocation] = [:]
        var visited: Set<String> = []
        var queue: [(file: String, referrer: SourceLocation?)] = [(rootLocation, nil)]

        // Breadth first, one level of Locations at a time: the files of a level are read and parsed
        // in parallel, then taken in queue order, so the result is the same as one by one.
        while !queue.isEmpty {
            let level = queue.filter { visited.insert($0.file).inserted }
            queue = []
            // One interner per chunk of files: the strings entities repeat (apiVersion, annotation
            // keys, owners, link titles) are kept once per chunk instead of once per entity.
            let results = level.concurrentMap(state: YAMLInterner.init) { [files] interner, item in
                Self.read(file: item.file, referrer: item.referrer, files: files, interner: interner)
            }
            seen.reserveCapacity(seen.count + results.reduce(0) { $0 + $1.entities.count })
            for ((file, _), result) in zip(level, results) {
                problems += result.problems
                for entity in result.entities {
                    if let first = seen[entity.entity.ref] {
                        problems.append(
                            LoadProblem(
                                file: file, line: entity.entity.source.line,
                                reason:
                                    "\(entity.entity.ref) is declared again; the first declaration, at \(first), is kept"
                            ))
                        continue
                    }
                    seen[entity.entity.ref] = entity.entity.source
                    // Only Locations have targets: the folder is not worked out for the others.
                    let folder = entity.locationTargets.isEmpty ? "" : (file as NSString).deletingLastPathComponent
                    for (target, line) in entity.locationTargets {
                        let from = SourceLocation(file: file, line: line)
                        for next in resolve(target: target, folder: folder, from: from) {
                            queue.append((next, from))
                        }
                    }
                    parsed.append(entity)
                }
            }
            // Each entity is in `parsed` now; freeing the files' lists (50,000 at 50,000
            // components) is left to another thread.
            releaseInBackground(consume results)
        }
        return parsed
    }

    /// Entities of one file; a file that is missing or is not valid YAML yields none and a problem.
    private static func read(
        file: String, referrer: SourceLocation?, files: PlatformFiles, interner: YAMLInterner
    ) -> (
        entities: [ParsedEntity], problems: [LoadProblem]
    ) {
        let bytes: [UInt8]
        switch files.read(file) {
        case .success(let read): bytes = read
        case .failure(.missing):
            if let referrer {
                return (
                    [],
                    [
                        LoadProblem(
                            file: referrer.file, line: referrer.line, reason: "location target \(file) does not exist")
                    ]
                )
            }
            return ([], [LoadProblem(file: file, line: nil, reason: "the catalog root location file does not exist")])
        case .failure(.refused(let refusal)):
            if let referrer {
                return (
                    [],
                    [
                        LoadProblem(
                            file: referrer.file, line: referrer.line, reason: "location target \(file): \(refusal)")
                    ]
                )
            }
            return ([], [refusal.problem(reading: file)])
        }
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(bytes: bytes, interner: interner)
        } catch {
            return (
                [],
                [
                    LoadProblem(
                        file: file, line: error.line, column: error.column,
                        reason: "\(error.reason); no entity of this file is loaded")
                ]
            )
        }
        var parser = EntityParser(file: file, fileFingerprint: EntityParser.fingerprint(bytes)) { [files] target in
            // Worked out here, for the few APIs with a placeholder: NSString's path parsing, done
            // for every file, was a twentieth of reading the catalog.
            let folder = (file as NSString).deletingLastPathComponent
            guard files.absolute(folder + "/" + target) != nil else {
                return .failure(.init(line: 0, reason: "'\(target)' is outside the platform repository"))
            }
            switch files.read(folder + "/" + target) {
            case .success(let bytes): return .success(String(decoding: bytes, as: UTF8.self))
            case .failure(.missing): return .failure(.init(line: 0, reason: "cannot read '\(target)'"))
            case .failure(.refused(let refusal)): return .failure(.init(line: 0, reason: refusal.description))
            }
        }
        var entities: [ParsedEntity] = []
        var problems: [LoadProblem] = []
        for document in documents {
            switch parser.parse(document) {
            case .success(let entity): entities.append(entity)
            case .failure(let failure):
                problems.append(LoadProblem(file: file, line: failure.line, reason: failure.reason))
            }
        }
        return (entities, problems + parser.problems)
    }

    private mutating func resolve(target: String, folder: String, from: SourceLocation) -> [String] {
        if target.contains("://") {
            problems.append(
                LoadProblem(
                    file: from.file, line: from.line,
                    reason:
                        "remote location \(target) is not followed: Homeport reads the catalog from the platform repository only"
                ))
            return []
        }
        let relative = folder.isEmpty ? target : folder + "/" + target
        guard let absolute = files.absolute(relative) else {
            problems.append(
                LoadProblem(
                    file: from.file, line: from.line,
                    reason: "location target \(target) is outside the platform repository"))
            return []
        }
        if target.contains(where: { "*?[".contains($0) }) {
            let (matches, refused) = files.glob(relative)
            for refusal in refused {
                problems.append(
                    LoadProblem(file: from.file, line: from.line, reason: "location target \(target): \(refusal)"))
            }
            if matches.isEmpty, refused.isEmpty {
                problems.append(
                    LoadProblem(file: from.file, line: from.line, reason: "location target \(target) matches no file"))
            }
            return matches
        }
        return [files.relative(absolute)]
    }

    /// The parsed entities in the catalog's order, by ref, and the place each of `parsed` took
    /// there: what `link` takes.
    static func inCatalogOrder(_ parsed: [ParsedEntity]) -> (entities: [Entity], positions: [Int32]) {
        // Positions are sorted, not entities: moving each entity through the sort's merges was a
        // third of the linking. The refs are read out once, not through each entity at each
        // comparison.
        let refs = parsed.map(\.entity.ref)
        let order = refs.indices.sorted { refs[$0] < refs[$1] }
        var positions = [Int32](repeating: 0, count: parsed.count)
        for (position, item) in order.enumerated() { positions[item] = Int32(position) }
        return (order.map { parsed[$0].entity }, positions)
    }

    /// The catalog of `parsed`, whose entities `inCatalogOrder` put in `entities` at `positions`:
    /// relations in both directions, references to entities that do not exist reported.
    mutating func link(_ parsed: [ParsedEntity], entities: [Entity], positions: [Int32]) -> Catalog {
        let index = Dictionary(uniqueKeysWithValues: entities.enumerated().map { ($1.ref, $0) })
        // Each declared relation's target is looked up once, here: in slices of the entities on
        // all cores, then joined in order (the lookups were most of linking 63,000 entities). A
        // target not in the catalog is reported, kept for the page, and numbered once all of them
        // are known, in ref order.
        let slice = max(1024, (parsed.count + 15) / 16)
        let slices = stride(from: 0, to: parsed.count, by: slice).map { $0..<min($0 + slice, parsed.count) }
        let resolved = slices.concurrentMap(chunk: 1) { items in
            Self.resolveRelations(of: parsed[items], positions: positions[items], index: index)
        }
        var declared: [(source: Int32, edge: RelationTable.Edge)] = []
        declared.reserveCapacity(resolved.reduce(0) { $0 + $1.declared.count })
        var unresolved: [(item: Int, target: EntityRef)] = []
        for part in resolved {
            unresolved += part.unresolved.map { (declared.count + $0.item, $0.target) }
            declared += part.declared
            problems += part.problems
        }
        let dangling = Set(unresolved.map(\.target)).sorted()
        let danglingIndex = Dictionary(uniqueKeysWithValues: dangling.enumerated().map { ($1, Int32(-1 - $0)) })
        for (item, target) in unresolved { declared[item].edge.target = danglingIndex[target]! }
        // The relation table and the pages' sort orders and facets need only the sorted entities:
        // built at the same time, the table on a thread of its own, the index here (on two cores
        // itself, which it would not get inside another parallel step).
        let relationTable = BackgroundStep { [declared] in
            RelationTable(entityCount: entities.count, declared: declared, dangling: dangling)
        }
        let pageIndex = CatalogIndex(entities: entities)
        return Catalog(
            entities: entities, index: index, relationTable: relationTable.result, pageIndex: pageIndex,
            facets: pageIndex.facets, files: files)
    }

    /// The declared relations of `items` with their targets' positions (`-1` for a target not in
    /// the catalog, listed in `unresolved` with its place in `declared`), and a problem for each
    /// such target.
    private static func resolveRelations(
        of items: ArraySlice<ParsedEntity>, positions: ArraySlice<Int32>, index: [EntityRef: Int]
    ) -> (
        declared: [(source: Int32, edge: RelationTable.Edge)], unresolved: [(item: Int, target: EntityRef)],
        problems: [LoadProblem]
    ) {
        var declared: [(source: Int32, edge: RelationTable.Edge)] = []
        var unresolved: [(item: Int, target: EntityRef)] = []
        var problems: [LoadProblem] = []
        for (item, source) in zip(items, positions) {
            for relation in item.relations {
                guard let target = index[relation.target] else {
                    unresolved.append((declared.count, relation.target))
                    declared.append((source, RelationTable.Edge(type: relation.type, target: -1)))
                    problems.append(
                        LoadProblem(
                            file: item.entity.source.file, line: relation.line,
                            reason:
                                "\(relation.field) of \(item.entity.ref) refers to \(relation.target), which is not in the catalog"
                        ))
                    continue
                }
                declared.append((source, RelationTable.Edge(type: relation.type, target: Int32(target))))
            }
        }
        return (declared, unresolved, problems)
    }
}

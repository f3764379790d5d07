import Platform
import SiteURL

/// `/adr/{id}`: one record, rendered, with its supersession links and neighbours.
struct ADRPageModel: Sendable {
    var row: ADRRowModel
    var deciders: String?
    var html: String
    var supersedes: [ADRRowModel]
    var supersededBy: [ADRRowModel]
    var previous: ADRRowModel?
    var next: ADRRowModel?
    var file: String
    /// The breadcrumb back to the list the record belongs to.
    var crumbs: [CrumbModel]
    /// The entities whose `backstage.io/adr-location` names the platform's ADR folder.
    var belongsTo: [EntityLinkModel]

    init(adr: ADR, snapshot: PlatformSnapshot) {
        self.init(
            adr: adr, records: snapshot.adrs, owner: nil,
            crumbs: [CrumbModel(label: "Decisions", href: SiteURL.adrs.path)])
        belongsTo = ADRIndexModel.claimants(in: snapshot).map { EntityLinkModel($0, in: snapshot.catalog) }
    }

    /// A record kept beside an entity: its neighbours are the entity's records.
    init(adr: ADR, kept: EntityADRs, entity: Entity) {
        self.init(
            adr: adr, records: kept.records, owner: kept.owner,
            crumbs: [
                CrumbModel(label: "Catalog", href: SiteURL.catalog.path),
                CrumbModel(label: entity.displayName, href: SiteURL.entity(entity.ref.site).path),
            ])
    }

    private init(adr: ADR, records: [ADR], owner: EntityRef?, crumbs: [CrumbModel]) {
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let row = { (record: ADR) in ADRRowModel(record, owner: owner) }
        self.row = row(adr)
        deciders = adr.deciders
        html = adr.html
        supersedes = adr.supersedes.compactMap { byID[$0].map(row) }
        supersededBy = adr.supersededBy.compactMap { byID[$0].map(row) }
        let position = records.firstIndex { $0.id == adr.id } ?? 0
        previous = position > 0 ? row(records[position - 1]) : nil
        next = position + 1 < records.count ? row(records[position + 1]) : nil
        file = adr.file
        self.crumbs = crumbs
        belongsTo = []
    }
}

/// One step of a breadcrumb trail.
struct CrumbModel: Sendable {
    var label: String
    var href: String
}

/// `/adr`: every record, the entities that claim the platform's records, and the records kept
/// beside entities with the entity each belongs to.
struct ADRIndexModel: Sendable {
    var rows: [ADRRowModel]
    var isEmpty: Bool
    /// Entities whose `backstage.io/adr-location` is the platform's ADR folder.
    var claimedBy: [EntityLinkModel]
    var entityRows: [EntityRecordRow]

    struct EntityRecordRow: Sendable {
        var row: ADRRowModel
        var entity: EntityLinkModel
    }

    init(snapshot: PlatformSnapshot) {
        rows = snapshot.adrs.map { ADRRowModel($0) }
        isEmpty = rows.isEmpty
        claimedBy = Self.claimants(in: snapshot).map { EntityLinkModel($0, in: snapshot.catalog) }
        entityRows = snapshot.entityADRs.sorted { $0.key < $1.key }.flatMap { ref, kept in
            kept.owner == nil
                ? []
                : kept.records.map {
                    EntityRecordRow(
                        row: ADRRowModel($0, owner: kept.owner),
                        entity: EntityLinkModel(ref, in: snapshot.catalog))
                }
        }
    }

    static func claimants(in snapshot: PlatformSnapshot) -> [EntityRef] {
        snapshot.entityADRs.filter { $0.value.owner == nil }.keys.sorted()
    }
}

import Platform

/// `/`: what the platform holds at a glance.
struct OverviewModel: Sendable {
    struct KindCount: Sendable {
        var label: String
        var count: Int
        var href: String
    }

    struct SystemRow: Sendable {
        var link: EntityLinkModel
        var description: String
        var componentCount: Int
    }

    var kindCounts: [KindCount]
    var systems: [SystemRow]
    var newestADRs: [ADRRowModel]
    var serviceGroups: [ServiceGroupModel]
    var problemCount: Int
    var hasProblems: Bool
    var entityCount: Int

    init(snapshot: PlatformSnapshot) {
        let catalog = snapshot.catalog
        var counts: [String: (label: String, count: Int)] = [:]
        for entity in catalog.entities {
            counts[entity.ref.kind, default: (EntityKind(rawValue: entity.ref.kind)?.displayName ?? entity.kind, 0)].count += 1
        }
        kindCounts = counts.sorted { $0.key < $1.key }.map { kind, value in
            KindCount(label: value.label, count: value.count, href: PortalURL.catalog([("kind", kind)]))
        }
        systems = catalog.entities.filter { $0.ref.kind == "system" }.map { system in
            let parts = catalog.relations[system.ref, default: []].filter { $0.type == .hasPart && $0.target.kind == "component" }
            return SystemRow(link: EntityLinkModel(system.ref, in: catalog), description: system.description ?? "", componentCount: parts.count)
        }
        newestADRs = snapshot.adrs.sorted { ($0.date ?? "", $0.number ?? 0) > ($1.date ?? "", $1.number ?? 0) }.prefix(5).map(ADRRowModel.init)
        serviceGroups = snapshot.serviceGroups.map { ServiceGroupModel($0, catalog: catalog) }
        problemCount = snapshot.problems.count
        hasProblems = problemCount > 0
        entityCount = catalog.entities.count
    }
}

/// A group of service links as cards.
struct ServiceGroupModel: Sendable {
    struct Card: Sendable {
        var name: String
        var url: String
        var description: String
        var entity: EntityLinkModel?
    }

    var name: String
    var description: String?
    var services: [Card]

    init(_ group: ServiceGroup, catalog: Catalog) {
        name = group.name
        description = group.description
        services = group.services.map { service in
            Card(name: service.name, url: service.url, description: service.description ?? "",
                 entity: service.entity.flatMap { catalog[$0] != nil ? EntityLinkModel($0, in: catalog) : nil })
        }
    }
}

import Foundation
import Platform
import SiteURL
import Status

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
    /// Firing alerts by severity; nil while Alertmanager is not configured.
    var alerts: AlertsModel?
    /// App requests in review, merged, live and degraded.
    var requests: RequestCountsModel?

    init(snapshot: PlatformSnapshot, status: LiveStatus, now: Date) {
        let catalog = snapshot.catalog
        // From the catalog's indexes, not a pass over every entity: this page is the first a
        // started server renders, 40 ms of it at 50,000 components that way.
        kindCounts = catalog.facets.kindCounts.sorted { $0.key < $1.key }.map { kind, count in
            // An unknown kind is named as its first entity spells it.
            let label =
                EntityKind(rawValue: kind)?.displayName ?? catalog.entities(ofKind: kind).first?.kind ?? kind
            return KindCount(label: label, count: count, href: SiteURL.catalog.with([("kind", kind)]))
        }
        systems = catalog.entities(ofKind: "system").map { system in
            SystemRow(
                link: EntityLinkModel(system.ref, in: catalog), description: system.description ?? "",
                componentCount: catalog.relationCount(of: system.ref, type: .hasPart, targetKind: "component"))
        }
        newestADRs = snapshot.adrs.sorted { ($0.date ?? "", $0.number ?? 0) > ($1.date ?? "", $1.number ?? 0) }.prefix(
            5
        ).map { ADRRowModel($0) }
        serviceGroups = snapshot.serviceGroups.map { ServiceGroupModel($0, catalog: catalog, status: status, now: now) }
        alerts = status.alerts.map { AlertsModel($0, now: now) }
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
        /// Nil when the service has no check or checks are off.
        var health: ServiceHealthModel?
    }

    var name: String
    var description: String?
    var services: [Card]

    init(_ group: ServiceGroup, catalog: Catalog, status: LiveStatus, now: Date) {
        name = group.name
        description = group.description
        services = group.services.map { service in
            // A check shows once checks run: the board then holds (or soon holds) its window.
            let health = service.check.flatMap { check in
                status.servicesChecked
                    ? ServiceHealthModel(check: check, window: status.health(of: service), now: now) : nil
            }
            return Card(
                name: service.name, url: service.url, description: service.description ?? "",
                entity: service.entity.flatMap { catalog[$0] != nil ? EntityLinkModel($0, in: catalog) : nil },
                health: health)
        }
    }
}

/// `/`: firing alerts from Alertmanager, most severe first.
struct AlertsModel: Sendable {
    struct Alert: Sendable {
        var name: String
        var summary: String
        var since: String?
    }

    struct Severity: Sendable {
        var name: String
        /// `severity-critical`, `severity-warning`...
        var cssClass: String
        var count: Int
        var alerts: [Alert]
    }

    var notice: UpstreamNotice?
    var severities: [Severity]
    /// Alertmanager answered and nothing fires.
    var isQuiet: Bool

    static let order = ["critical", "error", "warning", "info", "none"]

    init(_ observed: Observed<[FiringAlert]>, now: Date) {
        notice = UpstreamNotice(observed, upstream: "Alertmanager", now: now)
        let alerts = observed.value ?? []
        let grouped = Dictionary(grouping: alerts, by: \.severity)
        severities = grouped.keys.sorted {
            (Self.order.firstIndex(of: $0) ?? Self.order.count, $0) < (
                Self.order.firstIndex(of: $1) ?? Self.order.count, $1
            )
        }.map { severity in
            let items = grouped[severity]!.sorted {
                ($0.startsAt ?? .distantPast, $0.name) > ($1.startsAt ?? .distantPast, $1.name)
            }
            return Severity(
                name: severity, cssClass: "severity-\(Self.order.contains(severity) ? severity : "none")",
                count: items.count,
                alerts: items.map {
                    Alert(
                        name: $0.name, summary: $0.summary,
                        since: $0.startsAt.map { "for \(Age.text(from: $0, to: now))" })
                })
        }
        isQuiet = observed.value != nil && alerts.isEmpty
    }
}

import Foundation
import Platform
import SiteURL
import Status

/// `/catalog/{kind}/{namespace}/{name}`: one entity with its metadata, spec and relations.
struct EntityModel: Sendable {
    struct RelationGroup: Sendable {
        var label: String
        var targets: [EntityLinkModel]

        /// The targets as list items, escaped here once: one `{{{targetsHTML}}}` instead of
        /// 2,502 trips through a Mustache section for the most depended-on database.
        var targetsHTML: String {
            var html = ""
            for target in targets {
                html += "<li>"
                html += target.html
                html += "</li>"
            }
            return html
        }
    }

    struct Link: Sendable {
        var url: String
        var title: String
    }

    /// One row of what a group or user owns. Blank fields are empty strings, not nil: Mustache
    /// would look a nil `type` up in the entity around the table and show the group's own type.
    struct OwnedRow: Sendable {
        var label: String
        var href: String
        var kind: String
        var type: String
        var lifecycle: String
        var description: String
    }

    var name: String
    var displayName: String
    var kind: String
    var ref: String
    var namespace: String
    var description: String?
    var type: String?
    var lifecycle: String?
    var owner: EntityLinkModel?
    var tags: [CatalogModel.Tag]
    var links: [Link]
    var labels: [KeyValue]
    var annotations: [KeyValue]
    var hasMetadata: Bool
    var relationGroups: [RelationGroup]
    /// What this entity owns, as a table rather than one run-on line of links (a team owns dozens).
    var owned: [OwnedRow]
    var specYAML: String?
    /// The entity's file changed since the catalog was loaded: its spec shows after the next reload.
    var specChanged = false
    /// The page of the API's definition, when it has one.
    var definitionHref: String?
    /// The entity's documentation, when it has some.
    var docsHref: String?
    var docsPages: Int?
    /// Where the docs are when `backstage.io/techdocs-ref` names docs that are not in the platform repository.
    var docsElsewhere: String?
    var graph: RelationGraphModel?
    /// The decision records kept with the entity (`backstage.io/adr-location`).
    var records: [ADRRowModel]
    var recordsFolder: String?
    var source: String
    var argoCDURL: String?
    /// Live sync and health of the `argocd/app-name` application, when Argo CD is configured.
    var argoStatus: ArgoStatusModel?
    /// Why there is no live Argo CD state (unreachable, or no such application).
    var argoNote: String?
    /// k8sgpt results about this component's Kubernetes objects.
    var diagnostics: [DiagnosticLink]

    struct DiagnosticLink: Sendable {
        var label: String
        var href: String
    }

    init(entity: Entity, snapshot: PlatformSnapshot, status: LiveStatus, now: Date) {
        let catalog = snapshot.catalog
        name = entity.name
        displayName = entity.displayName
        kind = entity.isCoreKind ? EntityKind(rawValue: entity.ref.kind)!.displayName : entity.kind
        ref = entity.ref.description
        namespace = entity.namespace
        description = entity.description
        type = entity.type
        lifecycle = entity.lifecycle
        owner = entity.owner.map { EntityLinkModel($0, in: catalog) }
        tags = entity.tags.map { CatalogModel.Tag(name: $0, href: CatalogModel.tagHref($0)) }
        links = entity.links.map { Link(url: $0.url, title: $0.title ?? $0.url) }
        labels = entity.labels
        annotations = entity.annotations
        hasMetadata = !labels.isEmpty || !annotations.isEmpty

        var groups: [RelationType: [EntityLinkModel]] = [:]
        var owned: [OwnedRow] = []
        for relation in catalog.relations(of: entity.ref) {
            // The owned entity's fields are read in place: `catalog[ref]` would copy each one whole.
            if relation.type == .ownerOf, let position = catalog.index[relation.target] {
                let link = EntityLinkModel(relation.target, in: catalog)
                let target = catalog.entities[position].ref
                owned.append(
                    OwnedRow(
                        label: link.label, href: link.href,
                        kind: EntityKind(rawValue: target.kind)?.displayName ?? catalog.entities[position].kind,
                        type: catalog.entities[position].type ?? "",
                        lifecycle: catalog.entities[position].lifecycle ?? "",
                        description: catalog.entities[position].description ?? ""))
                continue
            }
            groups[relation.type, default: []].append(EntityLinkModel(relation.target, in: catalog))
        }
        self.owned = owned.sorted { ($0.kind, $0.label.lowercased()) < ($1.kind, $1.label.lowercased()) }
        relationGroups = RelationType.allCases.compactMap { type in
            groups[type].map { RelationGroup(label: type.label, targets: $0) }
        }

        switch catalog.spec(of: entity) {
        case .none: break
        case .text(let text): specYAML = text
        case .changed: specChanged = true
        }
        definitionHref = entity.definition.map { _ in SiteURL.entityDefinition(entity.ref.site).path }
        if let pages = snapshot.docs.pageCounts[entity.ref] {
            docsHref = SiteURL.entityDocs(entity.ref.site, page: "").path
            docsPages = pages
        } else if let reference = entity.annotations.first(where: { $0.key == "backstage.io/techdocs-ref" })?.value {
            docsElsewhere = reference
        }
        graph = RelationGraphModel(entity: entity, catalog: catalog)
        let kept = snapshot.entityADRs[entity.ref]
        records = kept.map { kept in kept.records.map { ADRRowModel($0, owner: kept.owner) } } ?? []
        recordsFolder = kept?.folder
        source = entity.source.description
        let appName = entity.annotations.first(where: { $0.key == "argocd/app-name" })?.value
        if let appName, let argo = snapshot.service(ofType: "argocd") {
            argoCDURL = argo.url.trimmingSuffix("/") + "/applications/" + SiteURL.encode(appName)
        }
        if let appName, let applications = status.applications {
            if let app = applications.value?.first(where: { $0.name == appName }) {
                argoStatus = ArgoStatusModel(app)
            } else if applications.value != nil {
                argoNote = "Argo CD has no application \(appName)."
            }
            if let notice = UpstreamNotice(applications, upstream: "Argo CD", now: now) { argoNote = notice.text }
        }
        diagnostics = (status.diagnostics?.value ?? []).filter {
            DiagnosticsModel.component(of: $0, in: snapshot.catalog) == entity.ref
        }.map { result in
            DiagnosticLink(
                label: "\(result.kind) \(result.name): \(result.errors.first ?? "see the analysis")",
                href: SiteURL.diagnostics.path + "#" + DiagnosticsModel.anchor(result))
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

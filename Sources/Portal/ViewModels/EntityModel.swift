import Platform

/// `/catalog/{kind}/{namespace}/{name}`: one entity with its metadata, spec and relations.
struct EntityModel: Sendable {
    struct RelationGroup: Sendable {
        var label: String
        var targets: [EntityLinkModel]
    }

    struct Link: Sendable {
        var url: String
        var title: String
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
    var specYAML: String?
    var definition: String?
    var source: String
    var argoCDURL: String?

    init(entity: Entity, snapshot: PlatformSnapshot) {
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
        tags = entity.tags.map { CatalogModel.Tag(name: $0, href: PortalURL.catalog([("tag", $0)])) }
        links = entity.links.map { Link(url: $0.url, title: $0.title ?? $0.url) }
        labels = entity.labels
        annotations = entity.annotations
        hasMetadata = !labels.isEmpty || !annotations.isEmpty

        var groups: [RelationType: [EntityLinkModel]] = [:]
        for relation in catalog.relations[entity.ref, default: []] {
            groups[relation.type, default: []].append(EntityLinkModel(relation.target, in: catalog))
        }
        relationGroups = RelationType.allCases.compactMap { type in
            groups[type].map { RelationGroup(label: type.label, targets: $0) }
        }

        specYAML = entity.specYAML
        definition = entity.definition
        source = entity.source.description
        if let appName = entity.annotations.first(where: { $0.key == "argocd/app-name" })?.value,
           let argo = snapshot.service(ofType: "argocd") {
            argoCDURL = argo.url.trimmingSuffix("/") + "/applications/" + PortalURL.encode(appName)
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

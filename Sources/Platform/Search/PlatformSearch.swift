import Markdown
import SiteURL

extension SearchIndex {
    /// The index of a snapshot: every entity, ADR and service link, with weights that rank a match
    /// in a name above one in tags or an owner, and those above one in running text.
    /// `more` is added as it is (documentation pages, records kept beside entities).
    init(catalog: Catalog, adrs: [ADR], serviceGroups: [ServiceGroup], more: [SearchDocument] = []) {
        var documents: [SearchDocument] = []
        for adr in adrs {
            documents.append(
                SearchDocument(
                    kind: "adr", title: adr.title, href: SiteURL.adr(id: adr.id).path,
                    detail: "\(adr.id) · \(Markdown.plainText(adr.status.text))",
                    fields: [
                        .init(adr.title, weight: 10, isQuotable: false), .init(adr.id, weight: 8, isQuotable: false),
                        .init(adr.deciders ?? "", weight: 2, isQuotable: false), .init(adr.text, weight: 1),
                    ]
                ))
        }
        for group in serviceGroups {
            for service in group.services {
                documents.append(
                    SearchDocument(
                        kind: "service", title: service.name, href: service.url, detail: group.name,
                        fields: [
                            .init(service.name, weight: 10, isQuotable: false),
                            .init(service.description ?? "", weight: 3),
                            .init(service.url, weight: 4),
                            .init(group.name + " " + (service.type ?? ""), weight: 2, isQuotable: false),
                        ]
                    ))
            }
        }
        documents += more
        // Entities' documents are made from the catalog when needed, not kept (see `document`).
        let entities = catalog.entities.count
        self.init(count: entities + documents.count) { [documents] index in
            index < entities
                ? Self.document(of: catalog.entities[index], in: catalog) : documents[index - entities]
        }
    }

    private static func document(of entity: Entity, in catalog: Catalog) -> SearchDocument {
        var fields: [SearchDocument.Field] = [.init(entity.name, weight: 10, isQuotable: false)]
        if let title = entity.title { fields.append(.init(title, weight: 8, isQuotable: false)) }
        fields.append(.init(entity.tags.joined(separator: " "), weight: 6, isQuotable: false))
        if let owner = entity.owner {
            fields.append(.init(owner.name + " " + (catalog[owner]?.title ?? ""), weight: 4, isQuotable: false))
        }
        if let description = entity.description { fields.append(.init(description, weight: 3)) }
        for link in entity.links {
            fields.append(.init((link.title.map { $0 + ": " } ?? "") + link.url, weight: 2))
        }
        return SearchDocument(
            kind: entity.ref.kind, title: entity.displayName, href: SiteURL.entity(entity.ref.site).path,
            detail: entity.ref.description, fields: fields)
    }
}

import Markdown
import SiteURL

extension SearchDocument {
    /// Each documentation page, found by its words and its entity's name; the hit names both.
    static func docs(_ docs: [EntityRef: TechDocs], catalog: Catalog) -> [SearchDocument] {
        docs.sorted { $0.key < $1.key }.flatMap { ref, site in
            let entity = catalog[ref]?.displayName ?? ref.name
            return site.pages.map { page in
                SearchDocument(
                    kind: "docs", title: "\(page.title) · \(entity)",
                    href: SiteURL.entityDocs(ref.site, page: page.path).path,
                    detail: "Docs of \(ref)",
                    fields: [
                        .init(page.title, weight: 9, isQuotable: false),
                        .init(entity + " " + ref.name, weight: 4, isQuotable: false),
                        .init(page.outline.map(\.text).joined(separator: " "), weight: 3, isQuotable: false),
                        .init(page.text, weight: 1),
                    ])
            }
        }
    }

    /// Decision records kept beside an entity (not the platform's own, indexed already).
    static func records(_ records: [EntityRef: EntityADRs], catalog: Catalog) -> [SearchDocument] {
        records.sorted { $0.key < $1.key }.flatMap { ref, kept -> [SearchDocument] in
            guard kept.owner != nil else { return [] }
            let entity = catalog[ref]?.displayName ?? ref.name
            return kept.records.map { adr in
                SearchDocument(
                    kind: "adr", title: "\(adr.title) · \(entity)", href: ADR.page(id: adr.id, owner: kept.owner).path,
                    detail: "\(adr.id) of \(ref) · \(Markdown.plainText(adr.status.text))",
                    fields: [
                        .init(adr.title, weight: 10, isQuotable: false), .init(adr.id, weight: 8, isQuotable: false),
                        .init(entity, weight: 4, isQuotable: false), .init(adr.text, weight: 1),
                    ])
            }
        }
    }
}

import Foundation
import Platform
import SiteURL

/// A link to a catalog entity, or plain text when the entity is not in the catalog.
struct EntityLinkModel: Sendable {
    var label: String
    var href: String
    var exists: Bool

    init(_ ref: EntityRef, in catalog: Catalog) {
        // Fields read in place: `catalog[ref]` would copy the whole entity for each of an entity
        // page's 2,502 links.
        if let position = catalog.index[ref] {
            let name = catalog.entities[position].displayName
            label =
                ref.namespace == EntityRef.defaultNamespace ? name : "\(catalog.entities[position].namespace)/\(name)"
            exists = true
        } else {
            label = ref.description
            exists = false
        }
        href = SiteURL.entity(ref.site).path
    }

    /// The link as HTML, escaped here once: a page with 2,502 relations renders one `{{{html}}}`
    /// per link rather than a section, a condition and two lookups, which was most of its time.
    var html: String {
        let escaping = HTMLEscaping()
        return exists
            ? "<a href=\"\(escaping.escapeText(href))\">\(escaping.escapeText(label))</a>"
            : "<span class=\"missing\">\(escaping.escapeText(label)) (not in the catalog)</span>"
    }
}

import Foundation
import Platform
import SiteURL

/// A link to a catalog entity, or plain text when the entity is not in the catalog.
struct EntityLinkModel: Sendable {
    var label: String
    var href: String
    var exists: Bool

    init(_ ref: EntityRef, in catalog: Catalog) {
        let entity = catalog[ref]
        label =
            entity.map {
                $0.ref.namespace == EntityRef.defaultNamespace ? $0.displayName : "\($0.namespace)/\($0.displayName)"
            } ?? ref.description
        href = SiteURL.entity(ref.site).path
        exists = entity != nil
    }
}

import Foundation
import Platform

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
        href = ref.path
        exists = entity != nil
    }
}

/// Links to portal pages with query parameters, such as a catalog filter.
enum PortalURL {
    static func catalog(_ parameters: [(String, String?)]) -> String {
        with(path: "/catalog", parameters)
    }

    static func with(path: String, _ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(encode($0))" } }.joined(
            separator: "&")
        return query.isEmpty ? path : "\(path)?\(query)"
    }

    /// Percent-encodes everything but unreserved characters, so `+` in a tag survives the round trip.
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}

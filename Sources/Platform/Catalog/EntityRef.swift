import Foundation
import SiteURL

/// A reference to a catalog entity, `kind:namespace/name`, compared case-insensitively as Backstage does.
///
/// All three parts are stored lowercased; the entity itself keeps the spelling its file used.
public struct EntityRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: String
    public let namespace: String
    public let name: String

    public init(kind: String, namespace: String = EntityRef.defaultNamespace, name: String) {
        self.kind = kind.lowercased()
        self.namespace = namespace.lowercased()
        self.name = name.lowercased()
    }

    public static let defaultNamespace = "default"

    /// `kind:namespace/name`, the form Backstage prints.
    public var description: String { "\(kind):\(namespace)/\(name)" }

    /// The entity's path segments, for the links of `SiteURL`.
    public var site: SiteURL.Entity { SiteURL.Entity(kind: kind, namespace: namespace, name: name) }

    public static func < (lhs: EntityRef, rhs: EntityRef) -> Bool {
        (lhs.kind, lhs.namespace, lhs.name) < (rhs.kind, rhs.namespace, rhs.name)
    }

    /// Parses `[kind:][namespace/]name` with Backstage's defaults.
    ///
    /// - Parameters:
    ///   - defaultKind: the kind a bare name means (`Group` for `spec.owner`); nil when the field
    ///     requires an explicit kind (`spec.dependsOn`).
    ///   - defaultNamespace: the namespace of the entity that holds the reference.
    public static func parse(_ text: String, defaultKind: String?, defaultNamespace: String) -> Result<
        EntityRef, RefError
    > {
        // Spaces and tabs around a reference do not count (Foundation's trimming is slow at catalog scale).
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = text.firstIndex { !isSpace($0) } ?? text.endIndex
        let trimmed = String(text[start..<(text.lastIndex { !isSpace($0) }.map(text.index(after:)) ?? start)])
        var rest = Substring(trimmed)
        var kind = defaultKind
        if let colon = rest.firstIndex(of: ":") {
            kind = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        var namespace = defaultNamespace
        if let slash = rest.firstIndex(of: "/") {
            namespace = String(rest[..<slash])
            rest = rest[rest.index(after: slash)...]
        }
        let name = String(rest)
        guard let kind, !kind.isEmpty else {
            return .failure(RefError(reason: "'\(trimmed)' needs a kind, such as component:\(trimmed)"))
        }
        guard !namespace.isEmpty, !name.isEmpty else {
            return .failure(RefError(reason: "'\(trimmed)' is not an entity reference ([kind:][namespace/]name)"))
        }
        return .success(EntityRef(kind: kind, namespace: namespace, name: name))
    }

    public struct RefError: Error, Sendable {
        public var reason: String
    }
}

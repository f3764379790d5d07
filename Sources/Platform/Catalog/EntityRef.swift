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
        self.kind = Self.lowercased(kind)
        self.namespace = Self.lowercased(namespace)
        self.name = Self.lowercased(name)
    }

    /// `text` lowercased; `text` itself, shared rather than copied, when it is lowercase ASCII
    /// already, as most names are (a copy is a heap block per name past 15 bytes).
    private static func lowercased(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            ? text : text.lowercased()
    }

    public static let defaultNamespace = "default"

    /// The name alone: refs that differ only in kind or namespace are few, and hashing one string
    /// instead of three cuts the cost of the load's ref lookups (every relation's target, every
    /// entity's place) by half.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
    }

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
        // Spaces and tabs around a reference do not count. Split on the UTF-8 view: the separators
        // are ASCII, and Character iteration was the slow part of this at catalog scale.
        let bytes = text.utf8
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let start = bytes.firstIndex { !isSpace($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !isSpace($0) }.map(bytes.index(after:)) ?? start
        let trimmed = start == bytes.startIndex && end == bytes.endIndex ? text : String(text[start..<end])
        var rest = Substring(trimmed)
        var kind = defaultKind
        if let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")) {
            kind = String(rest[..<colon])
            rest = rest[rest.utf8.index(after: colon)...]
        }
        var namespace = defaultNamespace
        if let slash = rest.utf8.firstIndex(of: UInt8(ascii: "/")) {
            namespace = String(rest[..<slash])
            rest = rest[rest.utf8.index(after: slash)...]
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

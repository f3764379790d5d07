/// One catalog entity as its `catalog-info.yaml` declared it.
public struct Entity: Sendable {
    public var ref: EntityRef
    public var apiVersion: String
    /// The kind as written (`Component`), for display; `ref.kind` is lowercased.
    public var kind: String
    public var name: String
    public var namespace: String
    public var title: String?
    public var description: String?
    public var labels: [KeyValue]
    public var annotations: [KeyValue]
    public var tags: [String]
    public var links: [EntityLink]
    /// `spec.type`, `spec.lifecycle` and the owner, the fields the catalog table filters on.
    public var type: String?
    public var lifecycle: String?
    public var owner: EntityRef?
    /// The `spec` as YAML, for the entity page; without `definition` when that is shown apart.
    public var specYAML: String?
    /// An API's `spec.definition`, with Backstage's `$text`/`$json`/`$yaml` placeholders read in.
    public var definition: String?
    public var source: SourceLocation

    /// The name people read: the title if there is one.
    public var displayName: String { title ?? name }

    /// Whether Homeport knows the kind (Backstage's core kinds); others are kept and shown as they are.
    public var isCoreKind: Bool { EntityKind(rawValue: ref.kind) != nil }
}

public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String
}

public struct EntityLink: Sendable, Hashable {
    public var url: String
    public var title: String?
    public var icon: String?
}

/// Where something was declared: a file relative to the platform root and a line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public var description: String { "\(file):\(line)" }
}

/// Backstage's core kinds, lowercased as refs hold them.
public enum EntityKind: String, Sendable, CaseIterable {
    case component, api, system, domain, resource, group, user, location

    /// "a Component", "an API", for messages.
    public var withArticle: String {
        (self == .api ? "an " : "a ") + displayName
    }

    /// The spelling Backstage uses.
    public var displayName: String {
        switch self {
        case .api: return "API"
        default: return rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }
}

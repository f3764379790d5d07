/// One catalog entity as its `catalog-info.yaml` declared it.
///
/// A class, not a struct: the catalog sorts, indexes and hands out 12,000 of them at load and on
/// every page, and each copy of a twenty-field value retained every field (a seventh of the load).
public final class Entity: Sendable {
    public let ref: EntityRef
    public let apiVersion: String
    /// The kind as written (`Component`), for display; `ref.kind` is lowercased.
    public let kind: String
    public let name: String
    public let namespace: String
    public let title: String?
    public let description: String?
    public let labels: [KeyValue]
    public let annotations: [KeyValue]
    public let tags: [String]
    public let links: [EntityLink]
    /// `spec.type`, `spec.lifecycle` and the owner, the fields the catalog table filters on.
    public let type: String?
    public let lifecycle: String?
    public let owner: EntityRef?
    /// The fingerprint of the entity's file when it has a `spec` to show, else nil. The spec's
    /// text is not kept: `Catalog.spec(of:)` reads it again for the entity page (kept for every
    /// entity, it was an eighth of the catalog's memory at 10,000 components).
    public let specFingerprint: Int?
    /// An API's `spec.definition`, with Backstage's `$text`/`$json`/`$yaml` placeholders read in.
    public let definition: String?
    public let source: SourceLocation

    public init(
        ref: EntityRef,
        apiVersion: String,
        kind: String,
        name: String,
        namespace: String,
        title: String?,
        description: String?,
        labels: [KeyValue],
        annotations: [KeyValue],
        tags: [String],
        links: [EntityLink],
        type: String?,
        lifecycle: String?,
        owner: EntityRef?,
        specFingerprint: Int?,
        definition: String?,
        source: SourceLocation
    ) {
        self.ref = ref
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.title = title
        self.description = description
        self.labels = labels
        self.annotations = annotations
        self.tags = tags
        self.links = links
        self.type = type
        self.lifecycle = lifecycle
        self.owner = owner
        self.specFingerprint = specFingerprint
        self.definition = definition
        self.source = source
    }

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

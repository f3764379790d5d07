/// Backstage's relation types, each with the name of its opposite direction.
public enum RelationType: String, Sendable, CaseIterable {
    case ownedBy, ownerOf
    case partOf, hasPart
    case dependsOn, dependencyOf
    case providesApi, apiProvidedBy
    case consumesApi, apiConsumedBy
    case memberOf, hasMember
    case childOf, parentOf

    public var inverse: RelationType {
        switch self {
        case .ownedBy: return .ownerOf
        case .ownerOf: return .ownedBy
        case .partOf: return .hasPart
        case .hasPart: return .partOf
        case .dependsOn: return .dependencyOf
        case .dependencyOf: return .dependsOn
        case .providesApi: return .apiProvidedBy
        case .apiProvidedBy: return .providesApi
        case .consumesApi: return .apiConsumedBy
        case .apiConsumedBy: return .consumesApi
        case .memberOf: return .hasMember
        case .hasMember: return .memberOf
        case .childOf: return .parentOf
        case .parentOf: return .childOf
        }
    }

    /// Words for the entity page ("depends on").
    public var label: String {
        switch self {
        case .ownedBy: return "Owned by"
        case .ownerOf: return "Owner of"
        case .partOf: return "Part of"
        case .hasPart: return "Has part"
        case .dependsOn: return "Depends on"
        case .dependencyOf: return "Dependency of"
        case .providesApi: return "Provides API"
        case .apiProvidedBy: return "API provided by"
        case .consumesApi: return "Consumes API"
        case .apiConsumedBy: return "API consumed by"
        case .memberOf: return "Member of"
        case .hasMember: return "Has member"
        case .childOf: return "Child of"
        case .parentOf: return "Parent of"
        }
    }
}

/// A directed edge from one entity to another; `targetExists` is false for a dangling reference.
public struct Relation: Sendable, Hashable {
    public var type: RelationType
    public var target: EntityRef
    public var targetExists: Bool
}

/// Which `spec` fields make relations, per kind, following Backstage's built-in processor.
struct RelationField {
    let path: String
    let type: RelationType
    /// The kind a bare name means; nil when the reference must name its kind.
    let defaultKind: String?
    let isList: Bool

    static func fields(for kind: String) -> [RelationField] {
        switch EntityKind(rawValue: kind) {
        case .component:
            return [
                .init(path: "owner", type: .ownedBy, defaultKind: "group", isList: false),
                .init(path: "system", type: .partOf, defaultKind: "system", isList: false),
                .init(path: "subcomponentOf", type: .partOf, defaultKind: "component", isList: false),
                .init(path: "providesApis", type: .providesApi, defaultKind: "api", isList: true),
                .init(path: "consumesApis", type: .consumesApi, defaultKind: "api", isList: true),
                .init(path: "dependsOn", type: .dependsOn, defaultKind: nil, isList: true),
                .init(path: "dependencyOf", type: .dependencyOf, defaultKind: nil, isList: true),
            ]
        case .api:
            return [
                .init(path: "owner", type: .ownedBy, defaultKind: "group", isList: false),
                .init(path: "system", type: .partOf, defaultKind: "system", isList: false),
            ]
        case .resource:
            return [
                .init(path: "owner", type: .ownedBy, defaultKind: "group", isList: false),
                .init(path: "system", type: .partOf, defaultKind: "system", isList: false),
                .init(path: "dependsOn", type: .dependsOn, defaultKind: nil, isList: true),
                .init(path: "dependencyOf", type: .dependencyOf, defaultKind: nil, isList: true),
            ]
        case .system:
            return [
                .init(path: "owner", type: .ownedBy, defaultKind: "group", isList: false),
                .init(path: "domain", type: .partOf, defaultKind: "domain", isList: false),
            ]
        case .domain:
            return [
                .init(path: "owner", type: .ownedBy, defaultKind: "group", isList: false),
                .init(path: "subdomainOf", type: .partOf, defaultKind: "domain", isList: false),
            ]
        case .group:
            return [
                .init(path: "parent", type: .childOf, defaultKind: "group", isList: false),
                .init(path: "children", type: .parentOf, defaultKind: "group", isList: true),
                .init(path: "members", type: .hasMember, defaultKind: "user", isList: true),
            ]
        case .user:
            return [.init(path: "memberOf", type: .memberOf, defaultKind: "group", isList: true)]
        case .location, nil:
            return []
        }
    }
}

import YAML

/// Where each kind keeps its pods, so that labels and pod checks reach every pod an object runs.
enum PodTemplates {
    /// The pod template of a workload kind; nil for `Pod` (the object is the pod) and non-workloads.
    static func templatePath(of kind: String) -> [String]? {
        switch kind {
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
            return ["spec", "template"]
        case "CronJob":
            return ["spec", "jobTemplate", "spec", "template"]
        case "PodTemplate":
            return ["template"]
        default:
            return nil
        }
    }

    /// The pod an object runs, if any.
    static func pod(of object: ManifestObject) -> Pod? {
        guard let kind = object.kind else { return nil }
        if kind == "Pod" {
            return Pod(object.node, at: .root, kind: kind)
        }
        guard let path = templatePath(of: kind), let template = object.node[path: path] else { return nil }
        return Pod(template, at: FieldPath(path), kind: kind)
    }
}

/// A pod as the checks read it: its metadata (for annotations), spec and containers, with paths.
struct Pod {
    let metadata: YAMLNode?
    let metadataPath: FieldPath
    let spec: YAMLNode
    let specPath: FieldPath
    /// Containers, init containers and ephemeral containers, in that order.
    let containers: [Container]
    /// Batch pods (Job, CronJob) run to completion: readiness and liveness mean little there.
    let runsToCompletion: Bool

    /// `node` holds `metadata` and `spec`: a Pod object or a pod template.
    fileprivate init?(_ node: YAMLNode, at path: FieldPath, kind: String) {
        guard let spec = node["spec"], spec.mapping != nil else { return nil }
        metadata = node["metadata"]
        metadataPath = path.key("metadata")
        self.spec = spec
        specPath = path.key("spec")
        containers = Container.Group.allCases.flatMap { group in
            spec[group.rawValue]?.items.map {
                Container($0.element, group: group, at: path.key("spec").key(group.rawValue).index($0.offset))
            } ?? []
        }
        runsToCompletion = kind == "Job" || kind == "CronJob"
    }
}

/// One container of a pod spec.
struct Container {
    enum Group: String, CaseIterable {
        case containers, initContainers, ephemeralContainers
    }

    let node: YAMLNode
    let group: Group
    let path: FieldPath

    init(_ node: YAMLNode, group: Group, at path: FieldPath) {
        self.node = node
        self.group = group
        self.path = path
    }

    /// "container 'web'" (or "init container 'migrate'"), for messages.
    var label: String {
        let name = node["name"]?.string ?? path.description
        switch group {
        case .containers: return "container '\(name)'"
        case .initContainers: return "init container '\(name)'"
        case .ephemeralContainers: return "ephemeral container '\(name)'"
        }
    }

    var securityContext: YAMLNode? { node["securityContext"] }
    var securityContextPath: FieldPath { path.key("securityContext") }
}

import YAML

/// Deterministic fixes for the mistakes small models make in free-YAML drafts, made before the
/// checks so that the model's repair round is spent only on what is left. Each fix is a warning,
/// so the reviewer sees what Homeport changed:
///
/// - a container field written at the pod level (a probe, `resources`, `ports`...) moves into the
///   pod's only container, when that container does not set it already;
/// - a probe without a handler gets a TCP check on the container's first port;
/// - `resources` on a Service (a container field, not a Service's) is dropped.
enum DraftRepairs {
    private static let containerFields = [
        "readinessProbe", "livenessProbe", "startupProbe", "resources", "ports", "env", "envFrom", "volumeMounts",
    ]
    private static let probes = ["readinessProbe", "livenessProbe", "startupProbe"]
    private static let handlers = ["httpGet", "tcpSocket", "exec", "grpc"]

    static func apply(to object: inout ManifestObject, into findings: inout Findings) {
        guard let kind = object.kind else { return }
        if kind == "Service", object.node[path: ["spec", "resources"]] != nil {
            let snapshot = object
            object.node.editExisting(["spec"]) { spec in spec.remove("resources") }
            findings.warning(
                "resources dropped from the Service: requests and limits belong to containers", in: snapshot,
                at: FieldPath(["spec", "resources"]))
        }
        let podPath: [String]
        if kind == "Pod" {
            podPath = ["spec"]
        } else if let template = PodTemplates.templatePath(of: kind) {
            podPath = template + ["spec"]
        } else {
            return
        }
        let snapshot = object
        object.node.editExisting(podPath[...]) { spec in
            guard var containers = spec["containers"]?.sequence else { return }
            if containers.count == 1, containers[0].mapping != nil {
                for field in containerFields {
                    guard let value = spec[field], containers[0][field] == nil else { continue }
                    containers[0].set(field, value)
                    spec.remove(field)
                    findings.warning(
                        "\(field) moved from the pod spec into its container", in: snapshot,
                        at: FieldPath(podPath).key(field))
                }
            }
            for index in containers.indices where containers[index].mapping != nil {
                let port = containers[index]["ports"]?.sequence?.first
                let target =
                    port?["name"].flatMap(\.string).map { YAMLNode.text($0, at: spec.mark) }
                    ?? port?["containerPort"]
                guard let target else { continue }
                for probe in probes {
                    guard var node = containers[index][probe], node.mapping != nil,
                        !handlers.contains(where: { node[$0] != nil })
                    else { continue }
                    var handler = YAMLNode.emptyMapping(at: node.mark)
                    handler.set("port", target)
                    node.set("tcpSocket", handler)
                    containers[index].set(probe, node)
                    findings.warning(
                        "\(probe) had no check: given a TCP check on the container's port", in: snapshot,
                        at: FieldPath(podPath).key("containers").index(index).key(probe))
                }
            }
            spec.set("containers", YAMLNode(.sequence(containers), mark: spec["containers"]?.mark ?? spec.mark))
        }
    }
}

extension YAMLNode {
    /// Removes `key` from a mapping; does nothing to other nodes.
    mutating func remove(_ key: String) {
        guard case .mapping(let pairs) = value else { return }
        value = .mapping(pairs.filter { $0.key.string != key })
    }
}

import YAML

/// Mistakes that make the API server refuse a pod, which small models make often: container
/// fields written at the pod level (a probe or `resources` beside `containers`), and volume mounts
/// naming a volume the pod does not declare. Errors, so that the model gets one chance to repair.
enum PodStructure {
    /// Fields of a container that are not fields of a pod spec.
    private static let containerOnlyFields = [
        "readinessProbe", "livenessProbe", "startupProbe", "resources", "image", "ports", "env", "volumeMounts",
    ]

    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let pod = PodTemplates.pod(of: object) else { return }
        for field in containerOnlyFields where pod.spec[field] != nil {
            findings.error(
                "\(field) belongs in a container, not in the pod spec", in: object, at: pod.specPath.key(field))
        }
        let volumes = Set((pod.spec["volumes"]?.sequence ?? []).compactMap { $0["name"]?.string })
        for container in pod.containers {
            for (index, mount) in (container.node["volumeMounts"]?.sequence ?? []).enumerated() {
                guard let name = mount["name"]?.string, !volumes.contains(name) else { continue }
                findings.error(
                    "\(container.label) mounts '\(name)', which is not a volume of the pod",
                    in: object, at: container.path.key("volumeMounts").index(index).key("name"))
            }
        }
    }
}

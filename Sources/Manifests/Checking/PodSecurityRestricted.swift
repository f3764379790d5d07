import YAML

/// The Pod Security Standard "restricted", as warnings: hardening a pod should have (no privilege
/// escalation, not root, all capabilities dropped, a seccomp profile, only volume types that stay
/// in the pod). Many upstream images still need root, so these inform rather than block.
/// Settings "baseline" or `PodIsolation` already refuse (an Unconfined profile, a capability
/// beyond its set, hostPath, gitRepo and network volumes) are not repeated here.
/// https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
enum PodSecurityRestricted {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let pod = PodTemplates.pod(of: object) else { return }
        let podContext = pod.spec["securityContext"]
        let podContextPath = pod.specPath.key("securityContext")
        for container in pod.containers {
            let context = container.securityContext
            let path = container.securityContextPath
            if context?["allowPrivilegeEscalation"]?.kubernetesBool != false {
                findings.warning(
                    "\(container.label) does not set allowPrivilegeEscalation: false", in: object,
                    at: path.key("allowPrivilegeEscalation"))
            }
            if let runAsNonRoot = setting("runAsNonRoot", container: context, pod: podContext) {
                if runAsNonRoot.node.kubernetesBool != true {
                    findings.warning(
                        "\(container.label) may run as root (runAsNonRoot is not true)", in: object,
                        at: (runAsNonRoot.onPod ? podContextPath : path).key("runAsNonRoot"))
                }
            } else {
                findings.warning(
                    "\(container.label) may run as root: set runAsNonRoot: true on the pod or the container",
                    in: object, at: path.key("runAsNonRoot"))
            }
            if let runAsUser = setting("runAsUser", container: context, pod: podContext), runAsUser.node.int == 0 {
                findings.warning(
                    "\(container.label) runs as root (runAsUser: 0)", in: object,
                    at: (runAsUser.onPod ? podContextPath : path).key("runAsUser"))
            }
            checkCapabilities(container, of: object, into: &findings)
            // Unconfined is a baseline error already.
            let seccomp = setting("seccompProfile", container: context, pod: podContext)?.node["type"]?.string ?? ""
            if !["RuntimeDefault", "Localhost", "Unconfined"].contains(seccomp) {
                findings.warning(
                    "\(container.label) has no seccomp profile: set seccompProfile.type RuntimeDefault", in: object,
                    at: path.key("seccompProfile").key("type"))
            }
        }
        for (index, volume) in pod.spec["volumes"]?.items ?? [] {
            for pair in volume.mapping ?? [] {
                guard let type = pair.key.string, type != "name", type != "hostPath",
                    !allowedVolumeTypes.contains(type),
                    !PodIsolation.refusedVolumeTypes.contains(type)
                else { continue }
                findings.warning(
                    "volume '\(volume["name"]?.string ?? "#\(index)")' is of type \(type), outside the restricted set",
                    in: object, at: pod.specPath.key("volumes").index(index).key(type))
            }
        }
    }

    private static func checkCapabilities(
        _ container: Container, of object: ManifestObject, into findings: inout Findings
    ) {
        let capabilities = container.securityContext?["capabilities"]
        let path = container.securityContextPath.key("capabilities")
        if !(capabilities?["drop"]?.items.contains { $0.element.string == "ALL" } ?? false) {
            findings.warning("\(container.label) does not drop ALL capabilities", in: object, at: path.key("drop"))
        }
        for (index, capability) in capabilities?["add"]?.items ?? [] {
            guard let name = capability.string, name != "NET_BIND_SERVICE",
                PodSecurityBaseline.allowedCapabilities.contains(name)
            else { continue }
            findings.warning(
                "\(container.label) adds capability \(name); restricted allows only NET_BIND_SERVICE", in: object,
                at: path.key("add").index(index))
        }
    }

    /// A security setting as the container gets it: its own, else the pod's.
    private static func setting(_ field: String, container: YAMLNode?, pod: YAMLNode?) -> (node: YAMLNode, onPod: Bool)?
    {
        if let own = container?[field], !own.isNull { return (own, false) }
        if let inherited = pod?[field], !inherited.isNull { return (inherited, true) }
        return nil
    }

    private static let allowedVolumeTypes: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    ]
}

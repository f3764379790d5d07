import YAML

/// Habits that keep an app predictable, as warnings: resource requests and limits (scheduling and
/// noisy neighbours), a pinned image tag (`latest` changes under you and defeats GitOps), and
/// readiness and liveness probes (rollouts and restarts). A pod without containers, or a container
/// without an image, is an error: the API server would refuse it.
///
/// Probes are only asked of long-running containers: not of init containers, and not of Job or
/// CronJob pods, which run to completion. Ephemeral containers take none of these fields.
enum ContainerHygiene {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let pod = PodTemplates.pod(of: object) else { return }
        if pod.containers.allSatisfy({ $0.group != .containers }) {
            findings.error("the pod has no containers", in: object, at: pod.specPath.key("containers"))
        }
        for container in pod.containers where container.group != .ephemeralContainers {
            checkImage(container, of: object, into: &findings)
            for field in ["requests", "limits"] where isEmpty(container.node[path: ["resources", field]]) {
                findings.warning(
                    "\(container.label) has no resource \(field)", in: object,
                    at: container.path.key("resources").key(field))
            }
            guard container.group == .containers, !pod.runsToCompletion else { continue }
            for (field, name) in [("readinessProbe", "readiness"), ("livenessProbe", "liveness")]
            where isEmpty(container.node[field]) {
                findings.warning("\(container.label) has no \(name) probe", in: object, at: container.path.key(field))
            }
        }
    }

    private static func checkImage(_ container: Container, of object: ManifestObject, into findings: inout Findings) {
        let path = container.path.key("image")
        guard let image = container.node["image"]?.string, !image.isEmpty else {
            findings.error("\(container.label) has no image", in: object, at: path)
            return
        }
        // Small models copy placeholders ("<your-image>") into the field; the kubelet could not pull it.
        guard ImageReference.isValid(image) else {
            findings.error(
                "image '\(image)' is not an image reference ([registry/]name[:tag][@digest])", in: object, at: path)
            return
        }
        // A digest pins the image whatever the tag says.
        guard !image.contains("@") else { return }
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        if let colon = lastComponent.lastIndex(of: ":") {
            if lastComponent[lastComponent.index(after: colon)...] == "latest" {
                findings.warning("image '\(image)' uses the latest tag; pin a version", in: object, at: path)
            }
        } else {
            findings.warning("image '\(image)' has no tag, so it means latest; pin a version", in: object, at: path)
        }
    }

    private static func isEmpty(_ node: YAMLNode?) -> Bool {
        guard let node, !node.isNull else { return true }
        return node.mapping?.isEmpty ?? false
    }
}

import YAML

/// Puts every object where the platform expects it and marks it as Homeport's: the policy's
/// namespace, and the labels `app.kubernetes.io/name: <app>` and
/// `app.kubernetes.io/managed-by: homeport` on the object and on the pods it runs. Quotes that
/// change nothing are dropped, so JSON answers read like hand-written YAML.
///
/// Selectors are left alone: they must keep matching the pod labels the model wrote. For the
/// same reason a pod label the model set to another value is kept (with a warning), while an
/// object's own label is replaced.
struct Normalization {
    let appName: String
    let namespace: String

    func normalize(_ object: inout ManifestObject, into findings: inout Findings) {
        object.node = object.node.plainWherePossible
        let snapshot = object
        let metadataIsMapping = object.node.editMapping("metadata", after: "kind") { metadata in
            if let current = metadata["namespace"], !current.isNull, current.string != namespace {
                let was = current.string.map { "namespace '\($0)'" } ?? "namespace"
                findings.warning(
                    "\(was) replaced by '\(namespace)'", in: snapshot, at: FieldPath(["metadata", "namespace"]))
            }
            metadata.set("namespace", .text(namespace, at: metadata.mark), after: "name")
            // A Pod's own labels are its pod labels, which Services select.
            label(&metadata, at: FieldPath(["metadata"]), isPod: snapshot.kind == "Pod", of: snapshot, into: &findings)
        }
        guard metadataIsMapping, let kind = object.kind, let templatePath = PodTemplates.templatePath(of: kind) else {
            return
        }
        object.node.editExisting(templatePath[...]) { template in
            let path = FieldPath(templatePath).key("metadata")
            let templateIsMapping = template.editMapping("metadata") { metadata in
                label(&metadata, at: path, isPod: true, of: snapshot, into: &findings)
            }
            if !templateIsMapping {
                findings.error("the pod template's metadata is not a mapping", in: snapshot, at: path)
            }
        }
    }

    /// What `normalize` would change, as errors (`homeport lint` fixes nothing): a namespaced
    /// object outside `namespace`, an object without the `app.kubernetes.io/name` or
    /// `app.kubernetes.io/managed-by` label (any value: hand-written apps are not Homeport's).
    static func inspect(_ object: ManifestObject, namespace: String, into findings: inout Findings) {
        guard let kind = object.kind, object.node["metadata"].map({ $0.isNull || $0.mapping != nil }) ?? true else {
            return
        }
        let metadata = object.node["metadata"]
        if !KindPolicy.clusterScopedKinds.contains(kind) {
            let current = metadata?["namespace"]?.string
            if current != namespace {
                let was = current.map { "namespace is '\($0)'" } ?? "namespace is missing"
                findings.error(
                    "\(was); objects go in namespace '\(namespace)'", in: object,
                    at: FieldPath(["metadata", "namespace"]))
            }
        }
        let labels = metadata?["labels"]
        if let labels, !labels.isNull, labels.mapping == nil {
            findings.error("labels are not a mapping", in: object, at: FieldPath(["metadata", "labels"]))
            return
        }
        for key in ["app.kubernetes.io/name", "app.kubernetes.io/managed-by"] where (labels?[key]?.string ?? "").isEmpty
        {
            findings.error("label \(key) is missing", in: object, at: FieldPath(["metadata", "labels"]).key(key))
        }
    }

    private func label(
        _ metadata: inout YAMLNode, at path: FieldPath, isPod: Bool, of object: ManifestObject,
        into findings: inout Findings
    ) {
        let labelsPath = path.key("labels")
        let labelsAreMapping = metadata.editMapping("labels", after: "namespace") { labels in
            for (key, value) in [("app.kubernetes.io/name", appName), ("app.kubernetes.io/managed-by", "homeport")] {
                guard let current = labels[key], !current.isNull else {
                    labels.set(key, .text(value, at: labels.mark))
                    continue
                }
                guard current.string != value else { continue }
                let was = current.string.map { "'\($0)'" } ?? "a \(current.shapeName)"
                if isPod {
                    findings.warning(
                        "pod label \(key) is \(was), not '\(value)'; kept, as selectors may match it", in: object,
                        at: labelsPath.key(key))
                } else {
                    findings.warning("label \(key) \(was) replaced by '\(value)'", in: object, at: labelsPath.key(key))
                    labels.set(key, .text(value, at: current.mark))
                }
            }
        }
        if !labelsAreMapping {
            findings.error("labels are not a mapping", in: object, at: labelsPath)
        }
    }
}

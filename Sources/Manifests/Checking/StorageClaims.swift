import YAML

/// What storage an app may claim: new volumes of an allowed storage class (or of the cluster's
/// default class), never an existing volume, by name (`volumeName`), by label (`selector`), by
/// turning provisioning off (`storageClassName: ""`) or by copying one (`dataSource`): an existing
/// volume may hold another app's data. Checks PersistentVolumeClaims, StatefulSet claim
/// templates and ephemeral volumes alike. Errors.
enum StorageClaims {
    /// The annotation that named the class before `storageClassName`, still honoured.
    private static let classAnnotation = "volume.beta.kubernetes.io/storage-class"

    static func check(_ object: ManifestObject, policy: ManifestPolicy, into findings: inout Findings) {
        for claim in claims(of: object) {
            checkClaim(claim.node, at: claim.path, policy: policy, object: object, into: &findings)
        }
    }

    /// Each claim an object makes, with the path of the node holding its `metadata` and `spec`.
    private static func claims(of object: ManifestObject) -> [(node: YAMLNode, path: FieldPath)] {
        switch object.kind {
        case "PersistentVolumeClaim":
            return [(object.node, .root)]
        case "StatefulSet":
            let path = FieldPath(["spec", "volumeClaimTemplates"])
            return (object.node[path: ["spec", "volumeClaimTemplates"]]?.items ?? []).map {
                ($0.element, path.index($0.offset))
            }
        default:
            guard let pod = PodTemplates.pod(of: object) else { return [] }
            return (pod.spec["volumes"]?.items ?? []).compactMap { index, volume in
                guard let template = volume[path: ["ephemeral", "volumeClaimTemplate"]] else { return nil }
                return (template, pod.specPath.key("volumes").index(index).key("ephemeral").key("volumeClaimTemplate"))
            }
        }
    }

    private static func checkClaim(
        _ claim: YAMLNode, at path: FieldPath, policy: ManifestPolicy, object: ManifestObject,
        into findings: inout Findings
    ) {
        let spec = claim["spec"]
        let specPath = path.key("spec")
        if let volume = spec?["volumeName"]?.string, !volume.isEmpty {
            findings.error(
                "the claim binds to the existing PersistentVolume '\(volume)' (volumeName), which may hold another app's data; let the storage class provision a new volume",
                in: object, at: specPath.key("volumeName"))
        }
        if !YAMLNode.isAbsent(spec?["selector"]) {
            findings.error(
                "the claim picks existing PersistentVolumes by label (selector), which may hold another app's data; let the storage class provision a new volume",
                in: object, at: specPath.key("selector"))
        }
        for field in ["dataSource", "dataSourceRef"] where !YAMLNode.isAbsent(spec?[field]) {
            findings.error(
                "the claim starts as a copy of another volume or snapshot (\(field)), which may be another app's data",
                in: object, at: specPath.key(field))
        }
        if let name = spec?["storageClassName"], !name.isNull {
            checkClass(
                name.string ?? "", policy: policy, object: object, at: specPath.key("storageClassName"), into: &findings
            )
        }
        if let name = claim[path: ["metadata", "annotations", classAnnotation]]?.string {
            checkClass(
                name, policy: policy, object: object, at: path.key("metadata").key("annotations").key(classAnnotation),
                into: &findings)
        }
    }

    private static func checkClass(
        _ name: String, policy: ManifestPolicy, object: ManifestObject, at path: FieldPath,
        into findings: inout Findings
    ) {
        if name.isEmpty {
            findings.error(
                "an empty storage class turns provisioning off and binds the claim to an existing PersistentVolume, which may hold another app's data; leave storageClassName unset for the cluster's default class",
                in: object, at: path)
        } else if !policy.storageClasses.contains(name) {
            let allowed = (policy.storageClasses.sorted() + ["unset for the cluster's default"]).joined(separator: ", ")
            findings.error(
                "storage class '\(name)' is not one the platform offers apps (allowed: \(allowed)); other classes may keep, share or expose data past the app",
                in: object, at: path)
        }
    }
}

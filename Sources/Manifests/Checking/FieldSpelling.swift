import YAML

/// Keys that differ only in case from a field the checks read (`HostNetwork`, `Privileged`,
/// `ExternalIPs`). The checks, like the API server, read field names exactly, so such a key
/// would pass them unseen, while tools that decode case-insensitively (Go's `encoding/json`)
/// would still apply it. An error naming the right spelling.
///
/// Only the fields the policy's checks read, and the fields on the way to them, are known here;
/// other unknown fields are the schema validation's business.
enum FieldSpelling {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        walk(object.node, shape(of: object.kind), at: .root, object: object, into: &findings)
    }

    /// The fields known below a node; a sequence's items share their sequence's shape.
    struct Shape: Sendable {
        let fields: [String: Shape]
        let spellings: [String: String]

        init(_ fields: [String: Shape]) {
            self.fields = fields
            spellings = Dictionary(fields.keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        }

        /// Fields whose values the checks read as a whole.
        init(leaves: [String], _ more: [String: Shape] = [:]) {
            self.init(
                Dictionary(uniqueKeysWithValues: leaves.map { ($0, Shape.leaf) }).merging(more) { _, nested in nested })
        }

        static let leaf = Shape([:])
    }

    private static func walk(
        _ node: YAMLNode, _ shape: Shape, at path: FieldPath, object: ManifestObject, into findings: inout Findings
    ) {
        guard !shape.fields.isEmpty else { return }
        if let items = node.sequence {
            for (index, item) in items.enumerated() {
                walk(item, shape, at: path.index(index), object: object, into: &findings)
            }
            return
        }
        for pair in node.mapping ?? [] {
            guard let key = pair.key.string else { continue }
            if let child = shape.fields[key] {
                walk(pair.value, child, at: path.key(key), object: object, into: &findings)
            } else if let spelling = shape.spellings[key.lowercased()] {
                findings.error(
                    "'\(key)' is not a Kubernetes field: field names are case-sensitive, so the checks would not read it while lenient tools might still apply it; write '\(spelling)'",
                    in: object, at: path.key(key))
            }
        }
    }

    private static func shape(of kind: String?) -> Shape {
        let spec: Shape
        switch kind {
        case "Pod":
            spec = podSpec
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job":
            spec = Shape(["template": podTemplate, "volumeClaimTemplates": claim])
        case "CronJob":
            spec = Shape(["jobTemplate": Shape(["metadata": metadata, "spec": Shape(["template": podTemplate])])])
        case "Service":
            spec = Shape(leaves: ["type", "externalIPs", "externalName"])
        case "Ingress":
            spec = Shape(
                leaves: ["defaultBackend"], ["rules": Shape(leaves: ["host"]), "tls": Shape(leaves: ["hosts"])])
        case "PersistentVolumeClaim":
            spec = claimSpec
        default:
            spec = .leaf
        }
        return Shape(
            leaves: ["apiVersion", "kind", "automountServiceAccountToken"], ["metadata": metadata, "spec": spec])
    }

    private static let metadata = Shape(leaves: ["name", "namespace", "labels", "annotations"])

    private static let claimSpec = Shape(leaves: [
        "volumeName", "selector", "dataSource", "dataSourceRef", "storageClassName",
    ])
    private static let claim = Shape(["metadata": metadata, "spec": claimSpec])

    private static let securityContextFields = [
        "runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "appArmorProfile", "seLinuxOptions",
        "windowsOptions",
    ]

    private static let container = Shape(
        leaves: ["name", "image", "volumeMounts"],
        [
            "securityContext": Shape(
                leaves: securityContextFields + ["privileged", "procMount", "allowPrivilegeEscalation"],
                [
                    "capabilities": Shape(leaves: ["add", "drop"])
                ]),
            "ports": Shape(leaves: ["hostPort", "hostIP", "containerPort"]),
        ])

    private static let volume = Shape(
        leaves: ["name", "hostPath", "persistentVolumeClaim"] + PodIsolation.refusedVolumeTypes.sorted(),
        [
            "ephemeral": Shape(["volumeClaimTemplate": claim])
        ])

    private static let podSpec = Shape(
        leaves: [
            "hostNetwork", "hostPID", "hostIPC", "hostUsers", "nodeName", "serviceAccountName", "serviceAccount",
            "automountServiceAccountToken", "shareProcessNamespace",
        ],
        [
            "containers": container, "initContainers": container, "ephemeralContainers": container,
            "volumes": volume,
            "tolerations": Shape(leaves: ["key", "operator", "effect"]),
            "securityContext": Shape(leaves: securityContextFields + ["sysctls"]),
        ])

    private static let podTemplate = Shape(["metadata": metadata, "spec": podSpec])
}

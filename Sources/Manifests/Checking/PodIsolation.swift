import YAML

/// What lets a pod act beyond its own app without escaping to its node (which "baseline"
/// refuses): choosing its node, tolerating every taint, running as another ServiceAccount (and
/// so with its permissions), carrying an API token, cloning a repository on the node (`gitRepo`)
/// and mounting network storage by address. Errors.
enum PodIsolation {
    static func check(_ object: ManifestObject, serviceAccounts: Set<String>, into findings: inout Findings) {
        if object.kind == "ServiceAccount", object.node["automountServiceAccountToken"]?.kubernetesBool == true {
            findings.error(
                "the ServiceAccount mounts its API token into every pod that uses it (automountServiceAccountToken: true); generated apps do not call the Kubernetes API",
                in: object, at: FieldPath(["automountServiceAccountToken"]))
        }
        guard let pod = PodTemplates.pod(of: object) else { return }
        let spec = pod.spec
        let path = pod.specPath
        if let node = spec["nodeName"]?.string, !node.isEmpty {
            findings.error(
                "the pod names its node (nodeName: \(node)), which bypasses the scheduler and can place it on any node, the control plane included; use nodeSelector or affinity",
                in: object, at: path.key("nodeName"))
        }
        for (index, toleration) in spec["tolerations"]?.items ?? [] {
            let key = toleration["key"]?.string ?? ""
            if key.isEmpty, toleration["operator"]?.string == "Exists" {
                findings.error(
                    "the pod tolerates every taint (operator Exists without a key), so it may run on control-plane, cordoned and draining nodes",
                    in: object, at: path.key("tolerations").index(index))
            } else if controlPlaneTaints.contains(key) {
                findings.error(
                    "the pod tolerates the control-plane taint \(key); apps do not run beside the cluster's own components",
                    in: object, at: path.key("tolerations").index(index).key("key"))
            }
        }
        // `serviceAccount` is the deprecated spelling, still honoured by the API server.
        for field in ["serviceAccountName", "serviceAccount"] {
            guard let account = spec[field]?.string, account != "default", !serviceAccounts.contains(account) else {
                continue
            }
            findings.error(
                "the pod runs as ServiceAccount '\(account)', which this app does not declare, and would get that account's permissions; use 'default' or a ServiceAccount declared in these manifests",
                in: object, at: path.key(field))
        }
        if spec["automountServiceAccountToken"]?.kubernetesBool == true {
            findings.error(
                "the pod mounts a Kubernetes API token (automountServiceAccountToken: true); generated apps do not call the Kubernetes API",
                in: object, at: path.key("automountServiceAccountToken"))
        }
        for (index, volume) in spec["volumes"]?.items ?? [] {
            let name = volume["name"]?.string ?? "#\(index)"
            let volumePath = path.key("volumes").index(index)
            if !YAMLNode.isAbsent(volume["gitRepo"]) {
                findings.error(
                    "volume '\(name)' is a gitRepo volume, which runs git on the node with the kubelet's privileges (CVE-2024-10220); clone in an init container into an emptyDir",
                    in: object, at: volumePath.key("gitRepo"))
            }
            for type in networkStorage where !YAMLNode.isAbsent(volume[type]) {
                findings.error(
                    "volume '\(name)' mounts network storage by its address (\(type)), which reaches any export, other apps' data included; claim storage with a PersistentVolumeClaim",
                    in: object, at: volumePath.key(type))
            }
        }
    }

    /// Taints that keep workloads off the nodes running the cluster's control plane.
    private static let controlPlaneTaints: Set<String> = [
        "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master", "CriticalAddonsOnly",
    ]

    /// Volume types refused here, which "restricted" need not warn about again.
    static var refusedVolumeTypes: Set<String> { Set(networkStorage + ["gitRepo"]) }

    /// In-tree volume types that address storage directly, bypassing the platform's claims.
    private static let networkStorage = [
        "nfs", "iscsi", "rbd", "cephfs", "glusterfs", "fc", "flexVolume", "flocker", "quobyte", "portworxVolume",
        "storageos", "scaleIO", "azureFile", "azureDisk", "awsElasticBlockStore", "gcePersistentDisk",
        "vsphereVolume", "cinder", "photonPersistentDisk",
    ]
}

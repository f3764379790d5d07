/// The API versions a current cluster serves for common kinds. Small models learned from old
/// examples and still write `extensions/v1beta1` Deployments and Ingresses, which the API server
/// refuses; better to say so before the pull request than after the sync fails.
enum APIVersions {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let kind = object.kind, let served = served[kind],
            let apiVersion = object.node["apiVersion"]?.string, !served.contains(apiVersion)
        else { return }
        findings.error(
            "\(kind) is served as \(served.joined(separator: " or ")), not \(apiVersion)", in: object,
            at: FieldPath(["apiVersion"]))
    }

    private static let served: [String: [String]] = [
        "Deployment": ["apps/v1"], "StatefulSet": ["apps/v1"], "DaemonSet": ["apps/v1"], "ReplicaSet": ["apps/v1"],
        "Job": ["batch/v1"], "CronJob": ["batch/v1"],
        "Pod": ["v1"], "Service": ["v1"], "ConfigMap": ["v1"], "Secret": ["v1"], "PersistentVolumeClaim": ["v1"],
        "ServiceAccount": ["v1"],
        "Ingress": ["networking.k8s.io/v1"], "NetworkPolicy": ["networking.k8s.io/v1"],
        "HorizontalPodAutoscaler": ["autoscaling/v2", "autoscaling/v1"],
        "PodDisruptionBudget": ["policy/v1"],
    ]
}

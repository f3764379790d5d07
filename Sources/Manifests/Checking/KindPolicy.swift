/// Which objects a generated app may hold: namespaced kinds from the allow-list, no permissions
/// (RBAC), nothing cluster-scoped, no Secret values in Git. Cluster-scoped kinds, RBAC and
/// Secret values are refused even when the allow-list names them.
enum KindPolicy {
    static func check(_ object: ManifestObject, policy: ManifestPolicy, into findings: inout Findings) {
        guard let kind = object.kind else { return }
        let kindPath = FieldPath(["kind"])
        // Kinds `homeport lint --allow-kind` admits pass whatever they are; Secret values never do.
        let admitted = policy.admittedKinds.contains(kind)
        let isRBAC = rbacKinds.contains(kind) && !admitted
        let isClusterScoped = clusterScopedKinds.contains(kind) && !admitted
        if isRBAC && isClusterScoped {
            findings.error(
                "\(kind) grants permissions across the cluster: generated apps hold no RBAC and nothing cluster-scoped",
                in: object, at: kindPath)
        } else if isRBAC {
            findings.error(
                "\(kind) is RBAC: generated apps must not grant permissions; ask a platform admin", in: object,
                at: kindPath)
        } else if isClusterScoped {
            findings.error(
                "\(kind) is cluster-scoped: generated apps only hold objects in namespace '\(policy.namespace)'",
                in: object, at: kindPath)
        } else if kind == "Secret", let field = secretValues(object) {
            findings.error(
                "secrets with values must not be committed to Git; create the Secret in the cluster (or use a sealed or external secret)",
                in: object, at: FieldPath([field]))
        } else if !policy.allowedKinds.contains(kind) && !admitted {
            let allowed = policy.allowedKinds.sorted().joined(separator: ", ")
            findings.error("kind \(kind) is not allowed; allowed kinds: \(allowed)", in: object, at: kindPath)
        }
    }

    /// `data` or `stringData`, whichever holds a value first.
    private static func secretValues(_ object: ManifestObject) -> String? {
        ["data", "stringData"].first { field in
            guard let values = object.node[field] else { return false }
            return !(values.mapping?.isEmpty ?? values.isNull)
        }
    }

    private static let rbacKinds: Set<String> = ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]

    /// Kubernetes' built-in cluster-scoped kinds, and the common ones of cert-manager and Gateway API.
    static let clusterScopedKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PriorityClass", "RuntimeClass",
        "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment", "CertificateSigningRequest",
        "ComponentStatus", "FlowSchema", "PriorityLevelConfiguration", "PodSecurityPolicy",
        "VolumeSnapshotClass", "ClusterIssuer", "GatewayClass",
    ]
}

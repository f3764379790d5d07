import RequestValues
import Testing

@testable import Manifests

@Suite("Kinds, names and structure")
struct KindPolicyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        let object: String
        let path: String
        let message: String
        var testDescription: String { object.isEmpty ? message : object }
    }

    @Test(
        "objects a generated app must not hold are errors with the reason",
        arguments: [
            Case(
                yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n", object: "Namespace/team",
                path: "kind",
                message: "Namespace is cluster-scoped: generated apps only hold objects in namespace 'ai-generated'"),
            Case(
                yaml: "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk}\n",
                object: "PersistentVolume/disk", path: "kind",
                message:
                    "PersistentVolume is cluster-scoped: generated apps only hold objects in namespace 'ai-generated'"),
            Case(
                yaml: "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\n",
                object: "StorageClass/fast", path: "kind",
                message: "StorageClass is cluster-scoped: generated apps only hold objects in namespace 'ai-generated'"),
            Case(
                yaml:
                    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n",
                object: "CustomResourceDefinition/widgets.example.com", path: "kind",
                message:
                    "CustomResourceDefinition is cluster-scoped: generated apps only hold objects in namespace 'ai-generated'"
            ),
            Case(
                yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules: []\n",
                object: "Role/reader", path: "kind",
                message: "Role is RBAC: generated apps must not grant permissions; ask a platform admin"),
            Case(
                yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: read}\n",
                object: "RoleBinding/read", path: "kind",
                message: "RoleBinding is RBAC: generated apps must not grant permissions; ask a platform admin"),
            Case(
                yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\n",
                object: "ClusterRole/admin", path: "kind",
                message:
                    "ClusterRole grants permissions across the cluster: generated apps hold no RBAC and nothing cluster-scoped"
            ),
            Case(
                yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admin}\n",
                object: "ClusterRoleBinding/admin", path: "kind",
                message:
                    "ClusterRoleBinding grants permissions across the cluster: generated apps hold no RBAC and nothing cluster-scoped"
            ),
            Case(
                yaml: "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n",
                object: "Secret/db", path: "stringData",
                message:
                    "secrets with values must not be committed to Git; create the Secret in the cluster (or use a sealed or external secret)"
            ),
            Case(
                yaml: "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: aHVudGVyMg==}\n",
                object: "Secret/db", path: "data",
                message:
                    "secrets with values must not be committed to Git; create the Secret in the cluster (or use a sealed or external secret)"
            ),
            Case(
                yaml: "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n", object: "Secret/db", path: "kind",
                message:
                    "kind Secret is not allowed; allowed kinds: ConfigMap, CronJob, Deployment, HorizontalPodAutoscaler, Ingress, Job, NetworkPolicy, PersistentVolumeClaim, Service, ServiceAccount, StatefulSet"
            ),
            Case(
                yaml: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: web}\n",
                object: "ServiceMonitor/web", path: "kind",
                message:
                    "kind ServiceMonitor is not allowed; allowed kinds: ConfigMap, CronJob, Deployment, HorizontalPodAutoscaler, Ingress, Job, NetworkPolicy, PersistentVolumeClaim, Service, ServiceAccount, StatefulSet"
            ),
            Case(
                yaml: "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\n", object: "Ingress/web",
                path: "apiVersion",
                message: "Ingress is served as networking.k8s.io/v1, not extensions/v1beta1"),
            Case(
                yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Web_Config}\n", object: "ConfigMap/Web_Config",
                path: "metadata.name",
                message:
                    "name 'Web_Config' is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)"
            ),
            Case(
                yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: web.internal}\n", object: "Service/web.internal",
                path: "metadata.name",
                message:
                    "Service name 'web.internal' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)"
            ),
            Case(
                yaml:
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                object: "ConfigMap/a", path: "metadata.name", message: "ConfigMap/a appears more than once"),
            Case(
                yaml: "apiVersion: v1\nmetadata: {name: a}\n", object: "", path: "kind",
                message: "document 1 has no kind"),
            Case(
                yaml: "kind: ConfigMap\nmetadata: {name: a}\n", object: "ConfigMap/a", path: "apiVersion",
                message: "the object has no apiVersion"),
            Case(
                yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n", object: "ConfigMap/", path: "metadata",
                message: "metadata is a sequence, not a mapping"),
            Case(
                yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {first: a}\n", object: "ConfigMap/web",
                path: "metadata.name",
                message: "metadata.name is a mapping, not a name; replaced by 'web'"),
            Case(
                yaml: "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- just text\n", object: "", path: "",
                message: "document 1, item 2 is a scalar, not a Kubernetes object"),
            Case(
                yaml:
                    "base: &ctx {privileged: true}\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: 'c:1'\n    securityContext:\n      <<: *ctx\n",
                object: "Pod/p", path: "spec.containers[0].securityContext.<<",
                message: "merge keys (<<) are not allowed: the checks would not see the merged fields"),
        ])
    func refused(_ refusal: Case) {
        let report = check(refusal.yaml)
        #expect(!report.passed)
        #expect(
            report.errors.contains(
                PolicyFinding(severity: .error, object: refusal.object, path: refusal.path, message: refusal.message)),
            "\(report.errors)")
    }

    @Test("the allow-list does not let cluster-scoped objects, RBAC or Secret values through")
    func allowListCannotWidenTheRules() {
        let policy = ManifestPolicy(allowedKinds: ["Namespace", "Role", "Secret", "ConfigMap"])
        for yaml in ["kind: Namespace", "kind: Role", "kind: Secret\nstringData: {a: b}"] {
            #expect(!check("apiVersion: v1\n\(yaml)\nmetadata: {name: x}\n", policy: policy).passed, "\(yaml)")
        }
        #expect(
            check("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ntype: Opaque\n", policy: policy).passed,
            "a Secret without values is fine when the allow-list names Secret")
    }

    @Test(
        "every default kind passes when well formed",
        arguments: [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n",
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n",
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: a}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: {rules: [{host: a.homelab.local}]}\n",
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}}\n",
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}\n",
        ])
    func allowed(_ yaml: String) {
        let report = check(yaml)
        #expect(report.passed && report.findings.isEmpty, "\(report.findings)")
    }

    @Test("errors come first, then warnings, each in document order")
    func order() {
        let report = check(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: default}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: b}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, namespace: other}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: d}
            """)
        #expect(report.findings.map(\.object) == ["Namespace/b", "Role/d", "ConfigMap/a", "ConfigMap/c"])
        #expect(report.objects == ["ConfigMap/a", "Namespace/b", "ConfigMap/c", "Role/d"])
    }
}

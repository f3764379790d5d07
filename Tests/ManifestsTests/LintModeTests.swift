import Testing

@testable import Manifests

/// `homeport lint`'s mode of the checker: the flow's rules on files as written.
@Suite("Lint mode of the manifest checker")
struct LintModeTests {
    /// Placed and labelled as the flow would leave it, so normalization has nothing to say.
    static func placed(_ yaml: String) throws -> String {
        var text = try editing(yaml, "metadata.namespace", "ai-generated")
        text = try editing(
            text, "metadata.labels", "{app.kubernetes.io/name: web, app.kubernetes.io/managed-by: homeport}")
        return text
    }

    static let violating: [(set: String, to: String?)] = [
        ("spec.template.spec.hostNetwork", "true"),
        ("spec.template.spec.containers.0.securityContext.privileged", "true"),
        ("spec.template.spec.containers.0.image", "nginx:latest"),
        ("spec.template.spec.containers.0.resources", nil),
        ("spec.template.spec.securityContext.runAsNonRoot", nil),
        ("spec.template.spec.containers.0.securityContext.capabilities.add", "[NET_ADMIN]"),
        ("kind", "DaemonSet"),
        ("apiVersion", "extensions/v1beta1"),
    ]

    @Test("same findings, same messages as the flow for manifests already placed", arguments: violating)
    func sameFindings(_ change: (set: String, to: String?)) throws {
        let text = try Self.placed(try editing(hardenedDeployment, change.set, change.to))
        let flow = check(text).findings
        #expect(!flow.isEmpty)
        #expect(ManifestChecker.lint(text, policy: ManifestPolicy(), level: .baseline).map(\.finding) == flow)
    }

    @Test("what the flow fixes is a finding: namespace, labels, name — each on its line")
    func nothingFixed() {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: default
            data: {a: b}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              labels:
                app.kubernetes.io/name: web
            data: {a: b}
            """
        let found = ManifestChecker.lint(text, policy: ManifestPolicy(), level: .baseline)
        #expect(
            found.map { "\($0.line): \($0.finding.object): \($0.finding.path): \($0.finding.message)" } == [
                "5: ConfigMap/settings: metadata.namespace: namespace is 'default'; objects go in namespace 'ai-generated'",
                "3: ConfigMap/settings: metadata.labels[\"app.kubernetes.io/name\"]: label app.kubernetes.io/name is missing",
                "3: ConfigMap/settings: metadata.labels[\"app.kubernetes.io/managed-by\"]: label app.kubernetes.io/managed-by is missing",
                "10: ConfigMap/: metadata.name: metadata.name is missing: every object needs a name",
                "10: ConfigMap/: metadata.namespace: namespace is missing; objects go in namespace 'ai-generated'",
                "11: ConfigMap/: metadata.labels[\"app.kubernetes.io/managed-by\"]: label app.kubernetes.io/managed-by is missing",
            ])
        #expect(found.allSatisfy { $0.finding.severity == .error })
    }

    @Test("restricted level: the flow's restricted warnings become errors; baseline keeps them warnings")
    func restrictedLevel() throws {
        let text = try Self.placed(
            try editing(hardenedDeployment, "spec.template.spec.securityContext.runAsNonRoot", nil))
        let baseline = ManifestChecker.lint(text, policy: ManifestPolicy(), level: .baseline)
        let restricted = ManifestChecker.lint(text, policy: ManifestPolicy(), level: .restricted)
        let warning = try #require(baseline.first { $0.finding.path.contains("runAsNonRoot") })
        #expect(warning.finding.severity == .warning)
        let error = try #require(restricted.first { $0.finding.path.contains("runAsNonRoot") })
        #expect(error.finding.severity == .error)
        #expect(error.finding.message == warning.finding.message)
        #expect(error.line == warning.line)
    }

    @Test("admitted kinds pass (RBAC and cluster-scoped too, without a namespace); Secret values never")
    func admittedKinds() {
        let text = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: homeport
              labels: {app.kubernetes.io/name: homeport, app.kubernetes.io/managed-by: kustomize}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: homeport-read
              labels: {app.kubernetes.io/name: homeport, app.kubernetes.io/managed-by: kustomize}
            rules: []
            """
        let refused = ManifestChecker.lint(text, policy: ManifestPolicy(namespace: "homeport"), level: .restricted)
        #expect(
            refused.map(\.finding.message) == [
                "Namespace is cluster-scoped: generated apps only hold objects in namespace 'homeport'",
                "ClusterRole grants permissions across the cluster: generated apps hold no RBAC and nothing cluster-scoped",
            ])
        #expect(refused.map(\.line) == [2, 8])
        var policy = ManifestPolicy(namespace: "homeport")
        policy.admittedKinds = ["Namespace", "ClusterRole", "Secret"]
        #expect(ManifestChecker.lint(text, policy: policy, level: .restricted).isEmpty)
        let secret =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: homeport\n  labels: {app.kubernetes.io/name: s, app.kubernetes.io/managed-by: me}\ndata:\n  token: c2VjcmV0\n"
        #expect(ManifestChecker.lint(secret, policy: policy, level: .baseline).map(\.line) == [7])
    }

    @Test("a YAML error is reported on its line")
    func yamlError() {
        let found = ManifestChecker.lint(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n", policy: ManifestPolicy(), level: .baseline)
        #expect(found.count == 1)
        #expect(found.first?.finding.severity == .error)
        #expect(found.first?.finding.message.hasPrefix("line ") == true)
    }
}

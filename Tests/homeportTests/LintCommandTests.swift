import Foundation
import Testing

/// A Deployment that passes the policy: placed, labelled, hardened, pinned, with resources and probes.
private let passingDeployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: ai-generated
      labels: {app.kubernetes.io/name: web, app.kubernetes.io/managed-by: homeport}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: web
            image: ghcr.io/example/web:1.2.3
            resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
            readinessProbe: {httpGet: {path: /healthz, port: 8080}}
            livenessProbe: {httpGet: {path: /healthz, port: 8080}}
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}

    """

@Suite("homeport lint")
struct LintCommandTests {
    /// A GitOps folder: one app that breaks the policy on line 12, one that passes, and files lint skips.
    func repository() throws -> String {
        let root = try freshFolder("lint")
        try FileManager.default.createDirectory(atPath: root + "/apps/bad", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/apps/good", withIntermediateDirectories: true)
        try passingDeployment.replacingOccurrences(
            of: "    spec:\n      securityContext", with: "    spec:\n      hostNetwork: true\n      securityContext"
        )
        .write(toFile: root + "/apps/bad/manifest.yaml", atomically: true, encoding: .utf8)
        try passingDeployment.write(toFile: root + "/apps/good/manifest.yml", atomically: true, encoding: .utf8)
        try "resources:\n  - manifest.yaml\n".write(
            toFile: root + "/apps/bad/kustomization.yaml", atomically: true, encoding: .utf8)
        try "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: bad}\n".write(
            toFile: root + "/apps/bad/catalog-info.yaml", atomically: true, encoding: .utf8)
        try "not yaml we read".write(toFile: root + "/apps/bad/README.md", atomically: true, encoding: .utf8)
        return root
    }

    @Test(
        "a folder: file:line: error: Kind/name: path: message for each finding, exit 1; kustomization and catalog files skipped"
    )
    func folder() throws {
        let root = try repository()
        let run = try homeport(["lint", root + "/apps"])
        #expect(run.status == 1)
        #expect(
            run.output
                == "\(root)/apps/bad/manifest.yaml:12: error: Deployment/web: spec.template.spec.hostNetwork: the pod shares the node's network namespace (hostNetwork)\n"
        )
        #expect(
            run.errors.contains("skipped \(root)/apps/bad/kustomization.yaml: a kustomization, not a Kubernetes object")
        )
        #expect(run.errors.contains("skipped \(root)/apps/bad/catalog-info.yaml: no Kubernetes object in it"))
        #expect(run.errors.contains("4 files, 1 errors, 0 warnings"))
        #expect(try homeport(["lint", root + "/apps/good"]).status == 0)
    }

    @Test("what the flow would fix is a finding: another namespace, a missing label")
    func notFixed() throws {
        let root = try repository()
        #expect(
            try homeport(["lint", "--namespace", "web", root + "/apps/good/manifest.yml"]).output
                == "\(root)/apps/good/manifest.yml:5: error: Deployment/web: metadata.namespace: namespace is 'ai-generated'; objects go in namespace 'web'\n"
        )
        try passingDeployment.replacingOccurrences(of: ", app.kubernetes.io/managed-by: homeport", with: "")
            .write(toFile: root + "/unlabelled.yaml", atomically: true, encoding: .utf8)
        let run = try homeport(["lint", root + "/unlabelled.yaml"])
        #expect(run.status == 1)
        #expect(
            run.output.contains(
                #"unlabelled.yaml:6: error: Deployment/web: metadata.labels["app.kubernetes.io/managed-by"]: label app.kubernetes.io/managed-by is missing"#
            ))
    }

    @Test("--level restricted turns the restricted warnings into errors")
    func restricted() throws {
        let root = try freshFolder("lint-level")
        try passingDeployment.replacingOccurrences(of: "runAsNonRoot: true, ", with: "").write(
            toFile: root + "/app.yaml", atomically: true, encoding: .utf8)
        let baseline = try homeport(["lint", root])
        #expect(baseline.status == 0)
        #expect(baseline.output.contains(": warning: Deployment/web: spec.template.spec"))
        let restricted = try homeport(["lint", "--level", "restricted", root])
        #expect(restricted.status == 1)
        #expect(restricted.output == baseline.output.replacingOccurrences(of: ": warning: ", with: ": error: "))
    }

    @Test("Homeport's own deployment passes with the kinds it needs admitted")
    func deployManifests() throws {
        let root = try freshFolder("lint-deploy")
        let labels = "labels: {app.kubernetes.io/name: homeport, app.kubernetes.io/managed-by: kustomize}"
        try """
        apiVersion: v1
        kind: Namespace
        metadata: {name: homeport, \(labels)}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: homeport-read, \(labels)}
        rules: [{apiGroups: [""], resources: [nodes, pods], verbs: [get, list]}]
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: homeport, namespace: homeport, \(labels)}
        spec: {secretName: homeport-tls, dnsNames: [homeport.homelab.local], issuerRef: {name: homelab-ca, kind: ClusterIssuer}}
        """.write(toFile: root + "/platform.yaml", atomically: true, encoding: .utf8)
        try "resources: [platform.yaml]\n".write(
            toFile: root + "/kustomization.yaml", atomically: true, encoding: .utf8)
        let refused = try homeport(["lint", "--level", "restricted", "--namespace", "homeport", root])
        #expect(refused.status == 1)
        #expect(refused.output.split(separator: "\n").count == 3)
        let admitted = try homeport([
            "lint", "--level", "restricted", "--namespace", "homeport", "--allow-kind", "Namespace", "--allow-kind",
            "ClusterRole",
            "--allow-kind", "ClusterRoleBinding", "--allow-kind", "Certificate", root,
        ])
        #expect(admitted.status == 0, "\(admitted.output)")
        #expect(admitted.output.isEmpty)
    }

    @Test(
        "usage errors and unreadable paths exit 2",
        arguments: [
            ["lint", "--level", "strict", "/tmp"], ["lint"], ["lint", "/no/such/folder"],
        ])
    func usage(_ arguments: [String]) throws {
        let run = try homeport(arguments)
        #expect(run.status == 2, "\(run.errors)")
        #expect(run.output.isEmpty)
    }
}

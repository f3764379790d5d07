import Foundation
import Testing
import YAML

@testable import Manifests

/// One model answer of `Tests/Fixtures/hostile-input/policy-escapes`: its first line,
/// `# expect: <path> | <message>`, names the error the policy must give.
struct PolicyEscape: CustomTestStringConvertible, Sendable {
    let file: String
    let text: String
    let path: String
    let message: String
    var testDescription: String { file }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile-input/policy-escapes")

    static func corpus() -> [PolicyEscape] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted().map { file in
            let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            let expectation = text.split(separator: "\n").first?.dropFirst("# expect:".count) ?? ""
            let parts = expectation.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return PolicyEscape(file: file, text: text, path: parts.first ?? "", message: parts.last ?? "")
        }
    }
}

@Suite("Objects that reach beyond the app: services, ingresses, pods, claims, tags and miscased keys")
struct ClusterReachTests {
    /// The platform of the example homelab serves these hosts (`platform/services.yaml`).
    static let policy = ManifestPolicy(reservedHosts: ["argocd.homelab.local", "grafana.homelab.local"])

    @Test("the corpus holds a case for every reproduction")
    func corpusIsThere() {
        #expect(PolicyEscape.corpus().count >= 18)
    }

    @Test("each policy escape of the hostile corpus is an error with its reason", arguments: PolicyEscape.corpus())
    func escape(_ escape: PolicyEscape) {
        let report = ManifestChecker.check(escape.text, appName: "web", policy: Self.policy)
        #expect(!report.passed)
        let finding = report.errors.first { $0.path == escape.path && $0.message.contains(escape.message) }
        #expect(
            finding != nil,
            "expected at \(escape.path): \(escape.message); got \(report.errors.map { "\($0.path): \($0.message)" })")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let yaml: String
        let path: String
        let message: String
        var policy = ClusterReachTests.policy
        var testDescription: String { message }
    }

    private static func service(_ spec: String) -> String {
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]\(spec)}\n"
    }

    private static func ingress(host: String = "web.homelab.local", annotations: String = "{}", spec: String = "")
        -> String
    {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web, annotations: \(annotations)}
        spec:
          rules:
          - host: \(host)
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
        \(spec)

        """
    }

    private static func claim(_ spec: String, annotations: String = "{}") -> String {
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, annotations: \(annotations)}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}\(spec)}\n"
    }

    @Test(
        "variants of the escapes, and the settings that decide them, are errors with their reason",
        arguments: [
            Case(
                yaml: service(", type: NodePort"), path: "spec.type",
                message: "Service type NodePort is not allowed (allowed: ClusterIP, LoadBalancer)",
                policy: ManifestPolicy(serviceTypes: ["ClusterIP", "LoadBalancer"])),
            Case(
                yaml: service(", type: ExternalName, externalName: grafana.monitoring"), path: "spec.type",
                message: "type ExternalName",
                policy: ManifestPolicy(serviceTypes: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"])),
            Case(
                yaml: ingress(host: "'*.homelab.local'"), path: "spec.rules[0].host",
                message: "wildcard host '*.homelab.local' claims every name under homelab.local"),
            Case(
                yaml: ingress(host: "homelab.local"), path: "spec.rules[0].host",
                message: "host 'homelab.local' is not under an allowed domain"),
            Case(
                yaml: ingress(host: "Argocd.homelab.local"), path: "spec.rules[0].host",
                message: "host 'Argocd.homelab.local' is not a DNS name"),
            Case(
                yaml: ingress(host: "web.lab.example.org"), path: "spec.rules[0].host",
                message: "host 'web.lab.example.org' is not under an allowed domain (*.homelab.local)"),
            Case(
                yaml: ingress(host: "web.homelab.local"), path: "spec.rules[0].host",
                message: "not under an allowed domain (*.lab.example.org)",
                policy: ManifestPolicy(ingressDomains: ["lab.example.org"])),
            Case(
                yaml: ingress(spec: "  tls: [{hosts: [grafana.homelab.local], secretName: web-tls}]"),
                path: "spec.tls[0].hosts[0]",
                message: "host 'grafana.homelab.local' is already served by the platform"),
            Case(
                yaml: ingress(host: "''"), path: "spec.rules[0].host",
                message: "a rule without a host answers for every host name"),
            Case(
                yaml: ingress(spec: "  defaultBackend: {service: {name: web, port: {number: 80}}}"),
                path: "spec.defaultBackend",
                message: "a defaultBackend answers every request that no rule of the ingress controller matches"),
            Case(
                yaml: ingress(
                    annotations:
                        "{nginx.ingress.kubernetes.io/server-snippet: 'location /x { proxy_pass http://argocd-server.argocd; }'}"
                ),
                path: #"metadata.annotations["nginx.ingress.kubernetes.io/server-snippet"]"#,
                message: "injects raw configuration into the shared ingress controller"),
            Case(
                yaml: ingress(annotations: "{traefik.ingress.kubernetes.io/router.middlewares: 'auth@file'}"),
                path: #"metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]"#,
                message: "middleware 'auth@file' is not a middleware of namespace 'ai-generated'"),
            Case(
                yaml: claim(", storageClassName: nfs-client"), path: "spec.storageClassName",
                message:
                    "storage class 'nfs-client' is not one the platform offers apps (allowed: local-path, unset for the cluster's default)"
            ),
            Case(
                yaml: claim(", storageClassName: ''"), path: "spec.storageClassName",
                message: "an empty storage class turns provisioning off"),
            Case(
                yaml: claim(", storageClassName: local-path"), path: "spec.storageClassName",
                message: "storage class 'local-path' is not one the platform offers apps (allowed: unset",
                policy: ManifestPolicy(storageClasses: [])),
            Case(
                yaml: claim("", annotations: "{volume.beta.kubernetes.io/storage-class: nfs-client}"),
                path: #"metadata.annotations["volume.beta.kubernetes.io/storage-class"]"#,
                message: "storage class 'nfs-client' is not one the platform offers"),
            Case(
                yaml: claim(", selector: {matchLabels: {app: gitea}}"), path: "spec.selector",
                message: "the claim picks existing PersistentVolumes by label"),
            Case(
                yaml: claim(", dataSource: {kind: PersistentVolumeClaim, name: gitea-data}"), path: "spec.dataSource",
                message: "the claim starts as a copy of another volume"),
            Case(
                yaml:
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web}\nautomountServiceAccountToken: true\n",
                path: "automountServiceAccountToken",
                message: "the ServiceAccount mounts its API token into every pod that uses it"),
        ])
    func variant(_ variant: Case) {
        let report = ManifestChecker.check(variant.yaml, appName: "web", policy: variant.policy)
        let finding = report.errors.first { $0.path == variant.path && $0.message.contains(variant.message) }
        #expect(
            finding != nil,
            "expected at \(variant.path): \(variant.message); got \(report.errors.map { "\($0.path): \($0.message)" })")
    }

    /// `hardenedDeployment` with its pod spec extended by `fields` (YAML lines at the pod spec's indent).
    private static func deployment(podSpec fields: String) -> String {
        hardenedDeployment.replacingOccurrences(
            of: "      securityContext:\n        runAsNonRoot: true",
            with: fields.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
                + "\n      securityContext:\n        runAsNonRoot: true")
    }

    @Test(
        "miscased keys of the fields the checks read are errors naming the right spelling",
        arguments: [
            ("HostPID: true", "spec.template.spec.HostPID", "hostPID"),
            ("ServiceAccountName: argocd-server", "spec.template.spec.ServiceAccountName", "serviceAccountName"),
            ("volumes: [{name: n, NFS: {server: nas, path: /}}]", "spec.template.spec.volumes[0].NFS", "nfs"),
            (
                "initContainers: [{name: i, image: 'busybox:1.36', SecurityContext: {privileged: true}}]",
                "spec.template.spec.initContainers[0].SecurityContext", "securityContext"
            ),
        ])
    func miscased(_ line: String, _ path: String, _ spelling: String) {
        let report = check(Self.deployment(podSpec: line))
        let finding = report.errors.first { $0.path == path }
        #expect(finding?.message.hasSuffix("write '\(spelling)'") == true, "\(report.errors)")
    }

    @Test("a miscased key on the way to the pod is found too, so the pod cannot hide from the checks")
    func miscasedTemplate() {
        let report = check(hardenedDeployment.replacingOccurrences(of: "  template:\n", with: "  Template:\n"))
        #expect(
            report.errors.contains { $0.path == "spec.Template" && $0.message.hasSuffix("write 'template'") },
            "\(report.errors)")
    }

    @Test(
        "what the rules allow passes: own hosts, declared or default accounts, own middlewares, allowed classes and types"
    )
    func allowed() throws {
        let text = [
            Self.deployment(
                podSpec:
                    "serviceAccountName: web-runner\nautomountServiceAccountToken: false\ntolerations: [{key: gpu, operator: Exists, effect: NoSchedule}]"
            ),
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web-runner}\nautomountServiceAccountToken: false\n",
            Self.service(""),
            Self.ingress(
                annotations:
                    "{traefik.ingress.kubernetes.io/router.middlewares: 'ai-generated-compress@kubernetescrd'}",
                spec: "  tls: [{hosts: [web.homelab.local], secretName: web-tls}]"),
            Self.claim(", storageClassName: local-path"),
            Self.claim("").replacingOccurrences(of: "name: data", with: "name: cache"),
        ].joined(separator: "---\n")
        let report = ManifestChecker.check(text, appName: "web", policy: Self.policy)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.passed)
    }

    @Test(
        "a ServiceAccount named 'default' is the namespace's own and allowed; a NodePort Service is allowed when the policy lists it"
    )
    func configuredAllowances() {
        #expect(check(Self.deployment(podSpec: "serviceAccountName: default")).errors.isEmpty)
        let nodePort = ManifestChecker.check(
            Self.service(", type: NodePort"), appName: "web",
            policy: ManifestPolicy(serviceTypes: ["ClusterIP", "NodePort"]))
        #expect(nodePort.errors.isEmpty, "\(nodePort.errors)")
    }

    @Test(
        "tagged scalars are judged by their resolved value and written back with the same meaning",
        arguments: [
            ("hostNetwork: !!bool false", "hostNetwork", "false", false),
            ("hostPID: !!bool True", "hostPID", "true", false),
            ("priority: !!int 10", "priority", "10", false),
            ("hostname: !!str 1234", "hostname", "1234", true),
            ("subdomain: !!str web", "subdomain", "web", false),
        ])
    func taggedScalars(_ line: String, _ field: String, _ text: String, _ quoted: Bool) throws {
        let report = check(Self.deployment(podSpec: line))
        let written = try #require(try report.documents().first?[path: ["spec", "template", "spec", field]])
        #expect(written.value == .scalar(text, quoted: quoted), "\(report.yaml ?? "")")
        if field == "hostPID" {
            #expect(report.errors.contains { $0.message == "the pod shares the node's process namespace (hostPID)" })
        } else {
            #expect(report.errors.isEmpty, "\(report.errors)")
        }
        #expect(report.yaml?.contains("!!") == false)
    }
}

import Testing

@testable import Manifests

@Suite("Pod Security")
struct PodSecurityTests {
    /// One change to `hardenedDeployment` and the finding it must give.
    struct Case: CustomTestStringConvertible, Sendable {
        let set: String
        let to: String?
        let path: String
        var message: String? = nil
        var testDescription: String { "\(set): \(to ?? "removed")" }
    }

    private static let pod = "spec.template.spec"
    private static let container = "spec.template.spec.containers.0"
    private static let containerPath = "spec.template.spec.containers[0]"

    @Test("the hardened Deployment passes without a single finding")
    func hardened() {
        let report = check(hardenedDeployment)
        #expect(report.passed)
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test(
        "baseline: each escape to the node is an error with its path",
        arguments: [
            Case(
                set: "\(container).securityContext.privileged", to: "true",
                path: "\(containerPath).securityContext.privileged",
                message: "container 'web' runs privileged"),
            Case(
                set: "\(container).securityContext.privileged", to: "yes",
                path: "\(containerPath).securityContext.privileged"),
            Case(
                set: "\(pod).hostNetwork", to: "true", path: "\(pod).hostNetwork",
                message: "the pod shares the node's network namespace (hostNetwork)"),
            Case(set: "\(pod).hostPID", to: "True", path: "\(pod).hostPID"),
            Case(set: "\(pod).hostIPC", to: "on", path: "\(pod).hostIPC"),
            Case(
                set: "\(pod).volumes", to: "[{name: data, hostPath: {path: /var/lib/data}}]",
                path: "\(pod).volumes[0].hostPath",
                message: "volume 'data' mounts a directory of the node (hostPath)"),
            Case(
                set: "\(container).ports.0.hostPort", to: "8080", path: "\(containerPath).ports[0].hostPort",
                message: "container 'web' binds port 8080 of the node (hostPort)"),
            Case(
                set: "\(container).securityContext.capabilities.add", to: "[NET_BIND_SERVICE, NET_ADMIN]",
                path: "\(containerPath).securityContext.capabilities.add[1]",
                message: "container 'web' adds capability NET_ADMIN, beyond the baseline set"),
            Case(
                set: "\(container).securityContext.capabilities.add", to: "[SYS_ADMIN]",
                path: "\(containerPath).securityContext.capabilities.add[0]"),
            Case(
                set: "\(pod).securityContext.sysctls",
                to: "[{name: net.ipv4.tcp_syncookies, value: '1'}, {name: kernel.msgmax, value: '65536'}]",
                path: "\(pod).securityContext.sysctls[1].name", message: "sysctl 'kernel.msgmax' is not in the safe set"
            ),
            Case(
                set: "\(container).securityContext.procMount", to: "Unmasked",
                path: "\(containerPath).securityContext.procMount"),
            Case(
                set: "\(container).securityContext.seccompProfile.type", to: "Unconfined",
                path: "\(containerPath).securityContext.seccompProfile.type",
                message: "container 'web' turns seccomp off (seccompProfile Unconfined)"),
            Case(
                set: "\(pod).securityContext.seccompProfile.type", to: "Unconfined",
                path: "\(pod).securityContext.seccompProfile.type",
                message: "the pod turns seccomp off (seccompProfile Unconfined)"),
            Case(
                set: "\(container).securityContext.appArmorProfile.type", to: "Unconfined",
                path: "\(containerPath).securityContext.appArmorProfile.type"),
            Case(
                set: "\(container).securityContext.windowsOptions.hostProcess", to: "true",
                path: "\(containerPath).securityContext.windowsOptions.hostProcess"),
            Case(
                set: "\(pod).securityContext.seLinuxOptions.type", to: "spc_t",
                path: "\(pod).securityContext.seLinuxOptions.type"),
            Case(
                set: "\(container).securityContext.seLinuxOptions.user", to: "system_u",
                path: "\(containerPath).securityContext.seLinuxOptions.user"),
            Case(
                set: "\(pod).initContainers",
                to: "[{name: setup, image: 'busybox:1.36', securityContext: {privileged: true}}]",
                path: "\(pod).initContainers[0].securityContext.privileged",
                message: "init container 'setup' runs privileged"),
            Case(
                set: "\(pod).ephemeralContainers",
                to: "[{name: debug, image: 'busybox:1.36', securityContext: {capabilities: {add: [SYS_PTRACE]}}}]",
                path: "\(pod).ephemeralContainers[0].securityContext.capabilities.add[0]"),
        ])
    func baseline(_ change: Case) throws {
        let report = check(try editing(hardenedDeployment, change.set, change.to))
        let finding = report.errors.first { $0.path == change.path }
        #expect(finding?.object == "Deployment/web", "\(report.findings)")
        if let message = change.message { #expect(finding?.message == message) }
        #expect(!report.passed)
        #expect(report.yaml != nil, "the preview still shows the normalized objects")
    }

    @Test("AppArmor and seccomp annotations that turn the profile off are errors")
    func annotations() throws {
        let source = hardenedDeployment.replacing(
            "    metadata:\n      labels:\n        app: web\n",
            with:
                "    metadata:\n      annotations:\n        container.apparmor.security.beta.kubernetes.io/web: unconfined\n      labels:\n        app: web\n"
        )
        let report = check(source)
        #expect(
            report.errors.map(\.path) == [
                #"spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]"#
            ])
    }

    @Test(
        "harmless values of the same fields pass",
        arguments: [
            Case(set: "\(container).securityContext.privileged", to: "false", path: ""),
            Case(set: "\(pod).hostNetwork", to: "no", path: ""),
            Case(set: "\(container).ports.0.hostPort", to: "0", path: ""),
            Case(set: "\(container).securityContext.capabilities.add", to: "[NET_BIND_SERVICE]", path: ""),
            Case(
                set: "\(pod).securityContext.sysctls",
                to: "[{name: net.ipv4.ip_local_port_range, value: '1024 65535'}]", path: ""),
            Case(set: "\(container).securityContext.procMount", to: "Default", path: ""),
            Case(set: "\(container).securityContext.seccompProfile.type", to: "Localhost", path: ""),
            Case(set: "\(pod).volumes", to: "[{name: cache, emptyDir: {}}]", path: ""),
        ])
    func harmless(_ change: Case) throws {
        let report = check(try editing(hardenedDeployment, change.set, change.to))
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test(
        "every kind that runs pods is checked where it keeps them",
        arguments: [
            (
                "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostNetwork: true\n          containers: [{name: job, image: 'busybox:1.36'}]\n",
                "CronJob/nightly", "spec.jobTemplate.spec.template.spec.hostNetwork"
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  hostPID: true\n  containers: [{name: sh, image: 'busybox:1.36'}]\n",
                "Pod/debug", "spec.hostPID"
            ),
            (
                "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec:\n  template:\n    spec:\n      containers: [{name: job, image: 'busybox:1.36', securityContext: {privileged: true}}]\n",
                "Job/once", "spec.template.spec.containers[0].securityContext.privileged"
            ),
            (
                "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n      volumes: [{name: root, hostPath: {path: /}}]\n      containers: [{name: agent, image: 'agent:1'}]\n",
                "DaemonSet/agent", "spec.template.spec.volumes[0].hostPath"
            ),
        ])
    func podLocations(text: String, object: String, path: String) {
        let report = check(text)
        #expect(report.errors.contains { $0.object == object && $0.path == path }, "\(report.errors)")
    }

    @Test(
        "restricted: each missing hardening is a warning with its path",
        arguments: [
            Case(
                set: "\(container).securityContext.allowPrivilegeEscalation", to: nil,
                path: "\(containerPath).securityContext.allowPrivilegeEscalation",
                message: "container 'web' does not set allowPrivilegeEscalation: false"),
            Case(
                set: "\(container).securityContext.allowPrivilegeEscalation", to: "true",
                path: "\(containerPath).securityContext.allowPrivilegeEscalation"),
            Case(
                set: "\(pod).securityContext.runAsNonRoot", to: nil,
                path: "\(containerPath).securityContext.runAsNonRoot",
                message: "container 'web' may run as root: set runAsNonRoot: true on the pod or the container"),
            Case(set: "\(pod).securityContext.runAsNonRoot", to: "false", path: "\(pod).securityContext.runAsNonRoot"),
            Case(
                set: "\(container).securityContext.runAsNonRoot", to: "false",
                path: "\(containerPath).securityContext.runAsNonRoot"),
            Case(
                set: "\(container).securityContext.runAsUser", to: "0",
                path: "\(containerPath).securityContext.runAsUser",
                message: "container 'web' runs as root (runAsUser: 0)"),
            Case(
                set: "\(container).securityContext.capabilities.drop", to: "[NET_RAW]",
                path: "\(containerPath).securityContext.capabilities.drop",
                message: "container 'web' does not drop ALL capabilities"),
            Case(
                set: "\(container).securityContext.capabilities.add", to: "[CHOWN]",
                path: "\(containerPath).securityContext.capabilities.add[0]"),
            Case(
                set: "\(pod).securityContext.seccompProfile", to: nil,
                path: "\(containerPath).securityContext.seccompProfile.type"),
            Case(
                set: "\(pod).volumes", to: "[{name: tools, image: {reference: 'busybox:1.36'}}]",
                path: "\(pod).volumes[0].image"),
        ])
    func restricted(_ change: Case) throws {
        let report = check(try editing(hardenedDeployment, change.set, change.to))
        #expect(report.passed, "\(report.errors)")
        #expect(report.warnings.map(\.path) == [change.path])
        #expect(report.warnings.first?.object == "Deployment/web")
        if let message = change.message { #expect(report.warnings.first?.message == message) }
    }

    @Test(
        "hygiene: resources, pinned images and probes are warnings with their paths",
        arguments: [
            Case(
                set: "\(container).resources.requests", to: nil, path: "\(containerPath).resources.requests",
                message: "container 'web' has no resource requests"),
            Case(set: "\(container).resources.limits", to: nil, path: "\(containerPath).resources.limits"),
            Case(
                set: "\(container).image", to: "nginx:latest", path: "\(containerPath).image",
                message: "image 'nginx:latest' uses the latest tag; pin a version"),
            Case(
                set: "\(container).image", to: "nginx", path: "\(containerPath).image",
                message: "image 'nginx' has no tag, so it means latest; pin a version"),
            Case(set: "\(container).image", to: "registry.local:5000/team/web", path: "\(containerPath).image"),
            Case(
                set: "\(container).readinessProbe", to: nil, path: "\(containerPath).readinessProbe",
                message: "container 'web' has no readiness probe"),
            Case(set: "\(container).livenessProbe", to: nil, path: "\(containerPath).livenessProbe"),
        ])
    func hygiene(_ change: Case) throws {
        let report = check(try editing(hardenedDeployment, change.set, change.to))
        #expect(report.passed, "\(report.errors)")
        #expect(report.warnings.map(\.path) == [change.path])
        if let message = change.message { #expect(report.warnings.first?.message == message) }
    }

    @Test(
        "an image pinned by digest or by a registry port plus tag needs no warning",
        arguments: [
            "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
            "registry.local:5000/team/web:2.0.1",
        ])
    func pinnedImages(_ image: String) throws {
        let report = check(try editing(hardenedDeployment, "\(Self.container).image", "'\(image)'"))
        #expect(report.findings.isEmpty, "\(report.findings)")
    }

    @Test(
        "an image field holding a placeholder or prose is an error",
        arguments: [
            "<choose a suitable public image with a pinned tag>", "your-image-here:latest tag", "Nginx:1.27",
        ])
    func invalidImages(_ image: String) throws {
        let report = check(try editing(hardenedDeployment, "\(Self.container).image", "'\(image)'"))
        #expect(report.errors.map(\.path) == ["spec.template.spec.containers[0].image"])
        #expect(report.errors.first?.message.contains("is not an image reference") == true)
        #expect(!report.passed)
    }

    @Test("batch pods and init containers are not asked for probes")
    func probesWhereTheyMatter() {
        let report = check(
            """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  initContainers: [{name: wait, image: 'busybox:1.36'}]
                  containers: [{name: job, image: 'busybox:1.36'}]
            """)
        #expect(!report.warnings.contains { $0.path.hasSuffix("Probe") })
        #expect(report.warnings.contains { $0.path == "spec.template.spec.initContainers[0].resources.requests" })
    }

    @Test("a pod without containers, or a container without an image, is an error")
    func missingContainers() throws {
        #expect(
            check(try editing(hardenedDeployment, "\(Self.container).image", nil)).errors.map(\.path) == [
                "\(Self.containerPath).image"
            ])
        #expect(
            check(try editing(hardenedDeployment, "\(Self.pod).containers", "[]")).errors.map(\.path) == [
                "\(Self.pod).containers"
            ])
    }
}

@Suite("Pod structure the API server would refuse")
struct PodStructureTests {
    @Test(
        "probes written at the pod level without a check, recorded from the real 0.5B model, move into the container with a TCP check, each change a warning"
    )
    func misplacedProbes() throws {
        let report = check(try modelOutput("qwen-0.5b-node-exporter-misplaced-probes.txt"), appName: "netmon")
        let warnings = report.findings.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings.contains("readinessProbe moved from the pod spec into its container"))
        #expect(warnings.contains("livenessProbe moved from the pod spec into its container"))
        #expect(!report.errors.map(\.path).contains("spec.template.spec.readinessProbe"))
        #expect(report.errors.map(\.path) == ["spec.template.spec.containers[0].volumeMounts[0].name"])
        #expect(
            report.errors.contains {
                $0.message == "container 'node-exporter' mounts 'host-root', which is not a volume of the pod"
            })
        #expect(!report.passed)
    }

    @Test("a probe without a check gets a TCP check on the port; resources on a Service are dropped")
    func repairedDraft() throws {
        let draft = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: web}}
              template:
                metadata: {labels: {app.kubernetes.io/name: web}}
                spec:
                  containers:
                  - name: web
                    image: ghcr.io/homelab/web:1.0.0
                    ports: [{name: http, containerPort: 8080}]
                  readinessProbe: {periodSeconds: 10}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app.kubernetes.io/name: web}
              ports: [{port: 80, targetPort: http}]
              resources: {limits: {cpu: 100m}}
            """
        let report = check(draft, appName: "web")
        let yaml = try #require(report.yaml)
        #expect(
            yaml.contains(
                "readinessProbe:\n            periodSeconds: 10\n            tcpSocket:\n              port: http"))
        #expect(!yaml.contains("resources: {limits"))
        let messages = report.findings.map(\.message)
        #expect(messages.contains("readinessProbe had no check: given a TCP check on the container's port"))
        #expect(messages.contains("resources dropped from the Service: requests and limits belong to containers"))
        #expect(report.errors.isEmpty, "\(report.errors)")
    }

    @Test("a mount of a declared volume passes; of an undeclared one is an error")
    func volumeMounts() throws {
        let mounted = try editing(
            try editing(
                hardenedDeployment, "spec.template.spec.containers.0.volumeMounts", "[{name: data, mountPath: /data}]"),
            "spec.template.spec.volumes", "[{name: data, emptyDir: {}}]")
        #expect(check(mounted).findings.isEmpty)
        let dangling = try editing(
            hardenedDeployment, "spec.template.spec.containers.0.volumeMounts", "[{name: data, mountPath: /data}]")
        #expect(check(dangling).errors.map(\.path) == ["spec.template.spec.containers[0].volumeMounts[0].name"])
    }
}

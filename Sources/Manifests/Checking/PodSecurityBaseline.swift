import YAML

/// The Pod Security Standard "baseline", as errors: what lets a pod escape to its node (privilege,
/// host namespaces, host paths and ports, extra capabilities, unsafe sysctls, unmasked /proc,
/// disabled seccomp or AppArmor, Windows host processes, custom SELinux users and types).
/// https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
enum PodSecurityBaseline {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let pod = PodTemplates.pod(of: object) else { return }
        checkPod(pod, of: object, into: &findings)
        for container in pod.containers {
            checkContainer(container, of: object, into: &findings)
        }
    }

    /// Capabilities a container may add under "baseline" (the container runtimes' default set).
    static let allowedCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    /// Sysctls that stay inside the pod's own namespaces.
    private static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ]

    private static func checkPod(_ pod: Pod, of object: ManifestObject, into findings: inout Findings) {
        let namespaces = [("hostNetwork", "network"), ("hostPID", "process"), ("hostIPC", "IPC")]
        for (field, namespace) in namespaces where pod.spec[field]?.kubernetesBool == true {
            findings.error(
                "the pod shares the node's \(namespace) namespace (\(field))", in: object, at: pod.specPath.key(field))
        }
        for (index, volume) in pod.spec["volumes"]?.items ?? [] where !YAMLNode.isAbsent(volume["hostPath"]) {
            let name = volume["name"]?.string ?? "#\(index)"
            findings.error(
                "volume '\(name)' mounts a directory of the node (hostPath)", in: object,
                at: pod.specPath.key("volumes").index(index).key("hostPath"))
        }
        let contextPath = pod.specPath.key("securityContext")
        let context = pod.spec["securityContext"]
        for (index, sysctl) in context?["sysctls"]?.items ?? [] {
            let name = sysctl["name"]?.string ?? ""
            if !safeSysctls.contains(name) {
                findings.error(
                    "sysctl '\(name)' is not in the safe set", in: object,
                    at: contextPath.key("sysctls").index(index).key("name"))
            }
        }
        checkSecurityContext(context, at: contextPath, of: "the pod", object: object, into: &findings)
        checkAnnotations(pod, of: object, into: &findings)
    }

    private static func checkContainer(_ container: Container, of object: ManifestObject, into findings: inout Findings)
    {
        let context = container.securityContext
        let contextPath = container.securityContextPath
        if context?["privileged"]?.kubernetesBool == true {
            findings.error("\(container.label) runs privileged", in: object, at: contextPath.key("privileged"))
        }
        for (index, capability) in context?[path: ["capabilities", "add"]]?.items ?? [] {
            let name = capability.string ?? capability.shapeName
            if !allowedCapabilities.contains(name) {
                findings.error(
                    "\(container.label) adds capability \(name), beyond the baseline set", in: object,
                    at: contextPath.key("capabilities").key("add").index(index))
            }
        }
        if let procMount = context?["procMount"], !procMount.isNull, procMount.string != "Default" {
            findings.error(
                "\(container.label) unmasks /proc (procMount: \(procMount.string ?? procMount.shapeName)); only Default is allowed",
                in: object, at: contextPath.key("procMount"))
        }
        for (index, port) in container.node["ports"]?.items ?? [] {
            if let hostPort = port["hostPort"], !hostPort.isNull, hostPort.int != 0 {
                findings.error(
                    "\(container.label) binds port \(hostPort.string ?? "?") of the node (hostPort)", in: object,
                    at: container.path.key("ports").index(index).key("hostPort"))
            }
        }
        checkSecurityContext(context, at: contextPath, of: container.label, object: object, into: &findings)
    }

    /// Checks that apply to the pod's and to each container's security context alike.
    private static func checkSecurityContext(
        _ context: YAMLNode?, at path: FieldPath, of owner: String, object: ManifestObject,
        into findings: inout Findings
    ) {
        guard let context else { return }
        if context[path: ["seccompProfile", "type"]]?.string == "Unconfined" {
            findings.error(
                "\(owner) turns seccomp off (seccompProfile Unconfined)", in: object,
                at: path.key("seccompProfile").key("type"))
        }
        if context[path: ["appArmorProfile", "type"]]?.string == "Unconfined" {
            findings.error(
                "\(owner) turns AppArmor off (appArmorProfile Unconfined)", in: object,
                at: path.key("appArmorProfile").key("type"))
        }
        if context[path: ["windowsOptions", "hostProcess"]]?.kubernetesBool == true {
            findings.error(
                "\(owner) runs as a Windows host process", in: object, at: path.key("windowsOptions").key("hostProcess")
            )
        }
        if let options = context["seLinuxOptions"] {
            if let type = options["type"]?.string, !allowedSELinuxTypes.contains(type) {
                findings.error(
                    "\(owner) sets SELinux type \(type)", in: object, at: path.key("seLinuxOptions").key("type"))
            }
            for field in ["user", "role"] where !YAMLNode.isAbsent(options[field]) {
                findings.error(
                    "\(owner) sets an SELinux \(field)", in: object, at: path.key("seLinuxOptions").key(field))
            }
        }
    }

    private static let allowedSELinuxTypes: Set<String> = [
        "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t",
    ]

    /// The annotations that set AppArmor and seccomp before those became fields.
    private static func checkAnnotations(_ pod: Pod, of object: ManifestObject, into findings: inout Findings) {
        for pair in pod.metadata?["annotations"]?.mapping ?? [] {
            guard let key = pair.key.string, pair.value.string == "unconfined" else { continue }
            let path = pod.metadataPath.key("annotations").key(key)
            if key.hasPrefix("container.apparmor.security.beta.kubernetes.io/") {
                findings.error(
                    "AppArmor is turned off for container '\(key.split(separator: "/").last ?? "")'", in: object,
                    at: path)
            } else if key == "seccomp.security.alpha.kubernetes.io/pod"
                || key.hasPrefix("container.seccomp.security.alpha.kubernetes.io/")
            {
                findings.error("seccomp is turned off by annotation \(key)", in: object, at: path)
            }
        }
    }
}

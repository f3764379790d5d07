import DNSNames
import YAML

/// What an Ingress may claim on the shared ingress controller: its own host names, under an
/// allowed domain and not served by the platform already; no catch-all (a rule without host, a
/// default backend); no raw controller configuration (`*-snippet` annotations); and Traefik
/// middlewares from the policy's namespace only. Errors.
enum IngressRouting {
    static let middlewaresAnnotation = "traefik.ingress.kubernetes.io/router.middlewares"

    static func check(_ object: ManifestObject, policy: ManifestPolicy, into findings: inout Findings) {
        guard object.kind == "Ingress" else { return }
        checkAnnotations(object, namespace: policy.namespace, into: &findings)
        guard let spec = object.node["spec"] else { return }
        let path = FieldPath(["spec"])
        if !YAMLNode.isAbsent(spec["defaultBackend"]) {
            findings.error(
                "a defaultBackend answers every request that no rule of the ingress controller matches, for every host; route by host rules",
                in: object, at: path.key("defaultBackend"))
        }
        for (index, rule) in spec["rules"]?.items ?? [] {
            let hostPath = path.key("rules").index(index).key("host")
            guard let host = rule["host"]?.string, !host.isEmpty else {
                findings.error(
                    "a rule without a host answers for every host name the ingress controller serves; name the app's host",
                    in: object, at: hostPath)
                continue
            }
            checkHost(host, policy: policy, object: object, at: hostPath, into: &findings)
        }
        for (index, tls) in spec["tls"]?.items ?? [] {
            for (position, host) in tls["hosts"]?.items ?? [] {
                guard let host = host.string else { continue }
                checkHost(
                    host, policy: policy, object: object, at: path.key("tls").index(index).key("hosts").index(position),
                    into: &findings)
            }
        }
    }

    private static func checkHost(
        _ host: String, policy: ManifestPolicy, object: ManifestObject, at path: FieldPath,
        into findings: inout Findings
    ) {
        if host.hasPrefix("*.") {
            findings.error(
                "wildcard host '\(host)' claims every name under \(host.dropFirst(2)), other services' included; name the app's own host",
                in: object, at: path)
        } else if !DNSName.isHostname(host) {
            findings.error(
                "host '\(host)' is not a DNS name (lowercase letters, digits, '-' and '.')", in: object, at: path)
        } else if !policy.ingressDomains.contains(where: { host.hasSuffix("." + $0.lowercased()) }) {
            let domains = policy.ingressDomains.map { "*.\($0)" }.joined(separator: ", ")
            findings.error(
                "host '\(host)' is not under an allowed domain (\(domains)); apps get names in the homelab's own domains",
                in: object, at: path)
        } else if policy.reservedHosts.contains(host) {
            findings.error(
                "host '\(host)' is already served by the platform; an Ingress for it would take over that service's traffic",
                in: object, at: path)
        }
    }

    private static func checkAnnotations(_ object: ManifestObject, namespace: String, into findings: inout Findings) {
        let annotationsPath = FieldPath(["metadata", "annotations"])
        for pair in object.node[path: ["metadata", "annotations"]]?.mapping ?? [] {
            guard let key = pair.key.string else { continue }
            let path = annotationsPath.key(key)
            if key.lowercased().hasSuffix("-snippet") {
                findings.error(
                    "annotation \(key) injects raw configuration into the shared ingress controller, where it can read other services' traffic and secrets (CVE-2021-25742); use the controller's named annotations",
                    in: object, at: path)
            } else if key == middlewaresAnnotation {
                let entries = (pair.value.string ?? "").split(separator: ",").map {
                    String($0.filter { !$0.isWhitespace })
                }
                for entry in entries where !isOwnMiddleware(entry, namespace: namespace) {
                    findings.error(
                        "middleware '\(entry)' is not a middleware of namespace '\(namespace)' (\(namespace)-<name>@kubernetescrd); one from another namespace or provider belongs to another service (its authentication, its redirects)",
                        in: object, at: path)
                }
            }
        }
    }

    /// `<namespace>-<name>@kubernetescrd`: Traefik's name for a Middleware object of a namespace.
    private static func isOwnMiddleware(_ entry: String, namespace: String) -> Bool {
        let suffix = "@kubernetescrd"
        guard entry.hasPrefix(namespace + "-"), entry.hasSuffix(suffix) else { return false }
        return entry.count > namespace.count + 1 + suffix.count
    }
}

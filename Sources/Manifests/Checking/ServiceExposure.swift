import YAML

/// How a Service may reach traffic: only the types the policy allows (ClusterIP by default, as
/// apps are exposed through an Ingress), no `externalIPs`, and never `ExternalName`. Errors.
enum ServiceExposure {
    static func check(_ object: ManifestObject, policy: ManifestPolicy, into findings: inout Findings) {
        guard object.kind == "Service", let spec = object.node["spec"] else { return }
        let path = FieldPath(["spec"])
        let type = spec["type"]?.string ?? "ClusterIP"
        if type == "ExternalName" {
            findings.error(
                "a Service of type ExternalName makes the app's Service name an alias of any other name (kubernetes.default, another team's service), which clients in the cluster then trust; point the app at its target directly",
                in: object, at: path.key("type"))
        } else if !policy.serviceTypes.contains(type) {
            let allowed = policy.serviceTypes.sorted().joined(separator: ", ")
            findings.error(
                "Service type \(type) is not allowed (allowed: \(allowed)): \(reasons[type] ?? "it is not a Service type the platform exposes"); expose the app through an Ingress",
                in: object, at: path.key("type"))
        }
        if let addresses = spec["externalIPs"], !(addresses.sequence?.isEmpty ?? addresses.isNull) {
            findings.error(
                "externalIPs make every node accept traffic for those addresses, and can capture traffic meant for another service's address (CVE-2020-8554); expose the app through an Ingress",
                in: object, at: path.key("externalIPs"))
        }
    }

    private static let reasons = [
        "LoadBalancer":
            "it takes an address outside the cluster and exposes the app there, past the ingress and its TLS",
        "NodePort": "it opens a port on every node, past the ingress and its TLS",
    ]
}

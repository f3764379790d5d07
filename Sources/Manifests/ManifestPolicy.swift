import RequestValues

/// What a generated manifest must satisfy before any pull request (DESIGN.md, "Policy").
public struct ManifestPolicy: Sendable, Equatable {
    /// Every object is forced into this namespace.
    public var namespace: String
    /// Kinds that may appear; anything else is an error.
    public var allowedKinds: Set<String>
    /// Kinds accepted beyond `allowedKinds`, RBAC and cluster-scoped ones included: what
    /// `homeport lint --allow-kind` admits for a platform's own manifests. The new-app flow admits none.
    public var admittedKinds: Set<String> = []
    /// Caps on the model's output: bytes, YAML documents, nodes copied in by aliases.
    public var maxBytes: Int
    public var maxDocuments: Int
    public var maxAliasExpansion: Int
    /// Domains an Ingress host must lie under (`web.homelab.local` under `homelab.local`); the
    /// domain itself belongs to the homelab, not to an app.
    public var ingressDomains: [String]
    /// Hosts the platform already serves (service links, existing ingresses, the portal itself):
    /// an app claiming one would take over another service's traffic. Lowercase.
    public var reservedHosts: Set<String>
    /// Service types an app may use. `ExternalName` is refused whatever this says: it aliases
    /// any name, cluster services included, under the app's Service name.
    public var serviceTypes: Set<String>
    /// Storage classes a PersistentVolumeClaim may name; a claim that names none gets the
    /// cluster's default class. Empty: only the default class.
    public var storageClasses: Set<String>

    public static let defaultAllowedKinds: Set<String> = [
        "Deployment", "StatefulSet", "CronJob", "Job", "Service", "Ingress", "ConfigMap",
        "PersistentVolumeClaim", "HorizontalPodAutoscaler", "ServiceAccount", "NetworkPolicy",
    ]

    public static let defaultIngressDomains = ["homelab.local"]
    public static let defaultServiceTypes: Set<String> = ["ClusterIP"]
    /// k3s's local-path provisioner, the homelab's default class.
    public static let defaultStorageClasses: Set<String> = ["local-path"]

    public init(
        namespace: String = "ai-generated",
        allowedKinds: Set<String> = ManifestPolicy.defaultAllowedKinds,
        maxBytes: Int = 256 * 1024,
        maxDocuments: Int = 20,
        maxAliasExpansion: Int = 1_000,
        ingressDomains: [String] = ManifestPolicy.defaultIngressDomains,
        reservedHosts: Set<String> = [],
        serviceTypes: Set<String> = ManifestPolicy.defaultServiceTypes,
        storageClasses: Set<String> = ManifestPolicy.defaultStorageClasses
    ) {
        self.namespace = namespace
        self.allowedKinds = allowedKinds
        self.maxBytes = maxBytes
        self.maxDocuments = maxDocuments
        self.maxAliasExpansion = maxAliasExpansion
        self.ingressDomains = ingressDomains
        self.reservedHosts = reservedHosts
        self.serviceTypes = serviceTypes
        self.storageClasses = storageClasses
    }
}

/// The outcome of checking model (or template) output.
public struct ManifestReport: Sendable, Equatable {
    /// The normalized manifests as one multi-document YAML text; nil when nothing could be parsed.
    public var yaml: String?
    /// `Kind/name` of each object, in order.
    public var objects: [String]
    public var findings: [PolicyFinding]

    public init(yaml: String?, objects: [String], findings: [PolicyFinding]) {
        self.yaml = yaml
        self.objects = objects
        self.findings = findings
    }

    /// True when nothing blocks a pull request.
    public var passed: Bool { yaml != nil && !findings.contains { $0.severity == .error } }
}

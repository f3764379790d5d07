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

    public static let defaultAllowedKinds: Set<String> = [
        "Deployment", "StatefulSet", "CronJob", "Job", "Service", "Ingress", "ConfigMap",
        "PersistentVolumeClaim", "HorizontalPodAutoscaler", "ServiceAccount", "NetworkPolicy",
    ]

    public init(
        namespace: String = "ai-generated",
        allowedKinds: Set<String> = ManifestPolicy.defaultAllowedKinds,
        maxBytes: Int = 256 * 1024,
        maxDocuments: Int = 20,
        maxAliasExpansion: Int = 1_000
    ) {
        self.namespace = namespace
        self.allowedKinds = allowedKinds
        self.maxBytes = maxBytes
        self.maxDocuments = maxDocuments
        self.maxAliasExpansion = maxAliasExpansion
    }
}

/// One thing the policy check found.
public struct PolicyFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable {
        /// Blocks the pull request.
        case error
        /// Shown on the request page and in the PR body; does not block.
        case warning
    }

    public var severity: Severity
    /// `Kind/name` of the object, or empty for the output as a whole.
    public var object: String
    /// Dotted path inside the object (`spec.template.spec.hostNetwork`), or empty.
    public var path: String
    public var message: String

    public init(severity: Severity, object: String, path: String, message: String) {
        self.severity = severity
        self.object = object
        self.path = path
        self.message = message
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

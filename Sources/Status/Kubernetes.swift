import Foundation
import HTTPClient

/// A node as the Kubernetes API reports it.
public struct LiveNode: Sendable, Equatable {
    public var name: String
    /// The Ready condition is True.
    public var isReady: Bool
    /// From the `node-role.kubernetes.io/<role>` labels.
    public var roles: [String]
    public var kubeletVersion: String
    public var osImage: String
    public var cpuCapacity: Double?
    public var cpuAllocatable: Double?
    public var memoryCapacityBytes: Double?
    public var memoryAllocatableBytes: Double?
    /// Pods running on the node.
    public var podCount: Int
    public var createdAt: Date?
}

/// A k8sgpt `Result` (`core.k8sgpt.ai/v1alpha1`): a problem the analyzer found, with the model's explanation.
public struct DiagnosticResult: Sendable, Equatable {
    /// The Result object's own name, unique within its namespace.
    public var id: String
    public var kind: String
    /// The affected object, `namespace/name`.
    public var name: String
    public var parentObject: String?
    public var errors: [String]
    /// The model's explanation and suggested solution.
    public var details: String?
    public var backend: String?

    public init(
        id: String, kind: String, name: String, parentObject: String?, errors: [String], details: String?,
        backend: String?
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.parentObject = parentObject
        self.errors = errors
        self.details = details
        self.backend = backend
    }

    /// The affected object's name without its namespace.
    public var objectName: String { name.split(separator: "/").last.map(String.init) ?? name }
    public var namespace: String? { name.contains("/") ? name.split(separator: "/").first.map(String.init) : nil }
}

/// A read-only client of the Kubernetes API: nodes, pods per node and k8sgpt Results.
public struct KubernetesClient: Sendable {
    /// Where a pod running in the cluster finds its service account.
    public static let inClusterTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    public static let inClusterCAFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

    let upstream: JSONUpstream

    /// `tokenFile` is read at each call, since projected service-account tokens rotate; an empty path sends none.
    public init(
        apiURL: String, tokenFile: String, caFile: String, timeout: Double, metrics: UpstreamMetrics,
        http: CurlHTTPClient = .init()
    ) {
        upstream = JSONUpstream(
            target: "kubernetes", baseURL: apiURL, caBundle: caFile.isEmpty ? nil : caFile, timeout: timeout,
            metrics: metrics, http: http
        ) {
            guard !tokenFile.isEmpty else { return [] }
            guard
                let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines), !token.isEmpty
            else {
                throw UpstreamFailure("cannot read a bearer token from \(tokenFile)")
            }
            return [("Authorization", "Bearer \(token)")]
        }
    }

    /// Every node, with the number of pods running on it.
    public func nodes() async throws(UpstreamFailure) -> [LiveNode] {
        let nodes = try await upstream.get("/api/v1/nodes", as: List<NodeObject>.self)
        let pods = try await upstream.get("/api/v1/pods?fieldSelector=status.phase%3DRunning", as: List<PodObject>.self)
        var podsByNode: [String: Int] = [:]
        for pod in pods.items {
            if let node = pod.spec?.nodeName { podsByNode[node, default: 0] += 1 }
        }
        return nodes.items.map { node in
            let labels = node.metadata.labels ?? [:]
            let rolePrefix = "node-role.kubernetes.io/"
            return LiveNode(
                name: node.metadata.name,
                isReady: node.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false,
                roles: labels.keys.filter { $0.hasPrefix(rolePrefix) }.map { String($0.dropFirst(rolePrefix.count)) }
                    .sorted(),
                kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? "",
                osImage: node.status?.nodeInfo?.osImage ?? "",
                cpuCapacity: node.status?.capacity?["cpu"].flatMap(Quantity.parse),
                cpuAllocatable: node.status?.allocatable?["cpu"].flatMap(Quantity.parse),
                memoryCapacityBytes: node.status?.capacity?["memory"].flatMap(Quantity.parse),
                memoryAllocatableBytes: node.status?.allocatable?["memory"].flatMap(Quantity.parse),
                podCount: podsByNode[node.metadata.name, default: 0],
                createdAt: node.metadata.creationTimestamp
            )
        }.sorted { $0.name < $1.name }
    }

    /// k8sgpt's Results in every namespace.
    public func diagnostics() async throws(UpstreamFailure) -> [DiagnosticResult] {
        let results = try await upstream.get("/apis/core.k8sgpt.ai/v1alpha1/results", as: List<ResultObject>.self)
        return results.items.map { result in
            DiagnosticResult(
                id: result.metadata.name,
                kind: result.spec.kind ?? "",
                name: result.spec.name ?? result.metadata.name,
                parentObject: result.spec.parentObject.flatMap { $0.isEmpty ? nil : $0 },
                errors: (result.spec.error ?? []).compactMap(\.text),
                details: result.spec.details.flatMap { $0.isEmpty ? nil : $0 },
                backend: result.spec.backend
            )
        }.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    private struct List<Item: Decodable>: Decodable {
        var items: [Item]
    }

    private struct Metadata: Decodable {
        var name: String
        var labels: [String: String]?
        var creationTimestamp: Date?
    }

    private struct NodeObject: Decodable {
        struct Status: Decodable {
            struct Condition: Decodable {
                var type: String
                var status: String
            }
            struct Info: Decodable {
                var kubeletVersion: String?
                var osImage: String?
            }
            var capacity: [String: String]?
            var allocatable: [String: String]?
            var conditions: [Condition]?
            var nodeInfo: Info?
        }
        var metadata: Metadata
        var status: Status?
    }

    private struct PodObject: Decodable {
        struct Spec: Decodable { var nodeName: String? }
        var spec: Spec?
    }

    private struct ResultObject: Decodable {
        struct Spec: Decodable {
            struct Failure: Decodable { var text: String? }
            var kind: String?
            var name: String?
            var parentObject: String?
            var error: [Failure]?
            var details: String?
            var backend: String?
        }
        var metadata: Metadata
        var spec: Spec
    }
}

/// Kubernetes resource quantities (`3800m`, `8137608Ki`, `16Gi`, `1e3`) as plain numbers.
public enum Quantity {
    /// Multipliers, and divisors for the fractional suffixes (exact: `3800m` is 3.8, not 3.8000000000000003).
    private static let suffixes: [(suffix: String, multiplier: Double, divisor: Double)] = [
        ("Ki", 1024, 1), ("Mi", 1_048_576, 1), ("Gi", 1_073_741_824, 1), ("Ti", 1_099_511_627_776, 1),
        ("Pi", 1_125_899_906_842_624, 1),
        ("n", 1, 1e9), ("u", 1, 1e6), ("m", 1, 1e3), ("k", 1e3, 1), ("M", 1e6, 1), ("G", 1e9, 1), ("T", 1e12, 1),
        ("P", 1e15, 1),
    ]

    /// Nil for what is not a quantity, and for what is not finite (`Inf`, `NaN`, `1e400`): no
    /// answer from a cluster may put a number on a page that cannot be shown.
    public static func parse(_ text: String) -> Double? {
        let value: Double? =
            if let unit = suffixes.first(where: { text.hasSuffix($0.suffix) }) {
                Double(text.dropLast(unit.suffix.count)).map { $0 * unit.multiplier / unit.divisor }
            } else {
                Double(text)
            }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }
}

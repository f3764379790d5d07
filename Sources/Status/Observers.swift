import Foundation
import HTTPClient

/// CPU and memory in use on a node, 0...1, from node-exporter through Prometheus.
public struct NodeUsage: Sendable, Equatable {
    public var cpu: Double?
    public var memory: Double?

    public init(cpu: Double? = nil, memory: Double? = nil) {
        self.cpu = cpu
        self.memory = memory
    }
}

/// Instant PromQL queries against Prometheus' HTTP API.
public struct PrometheusClient: Sendable {
    /// Busy share of each node's CPUs over five minutes.
    public static let cpuQuery = #"1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))"#
    /// Share of each node's memory not available to programs.
    public static let memoryQuery = "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes"

    let upstream: JSONUpstream

    public init(url: String, caFile: String?, timeout: Double, metrics: UpstreamMetrics, http: CurlHTTPClient = .init())
    {
        upstream = JSONUpstream(
            target: "prometheus", baseURL: url, caBundle: caFile, timeout: timeout, metrics: metrics, http: http)
    }

    /// Usage by node name: the `instance` label without its port (kube-prometheus-stack relabels
    /// node-exporter's `instance` to the node name; a plain scrape leaves `host:9100`).
    public func nodeUsage() async throws(UpstreamFailure) -> [String: NodeUsage] {
        var usage: [String: NodeUsage] = [:]
        for (instance, value) in try await query(Self.cpuQuery) { usage[instance, default: NodeUsage()].cpu = value }
        for (instance, value) in try await query(Self.memoryQuery) {
            usage[instance, default: NodeUsage()].memory = value
        }
        return usage
    }

    /// An instant vector query as (node, value) pairs.
    func query(_ promQL: String) async throws(UpstreamFailure) -> [(String, Double)] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: allowed) ?? promQL
        let answer = try await upstream.get("/api/v1/query?query=\(encoded)", as: QueryAnswer.self)
        guard answer.status == "success", let data = answer.data else {
            throw UpstreamFailure("Prometheus: \(answer.error ?? answer.status)")
        }
        return data.result.compactMap { sample in
            guard let instance = sample.metric["instance"], sample.value.count == 2,
                let value = Double(sample.value[1].text ?? ""),
                // Prometheus answers NaN for 0/0 and ±Inf for x/0: no usable figure.
                value.isFinite
            else { return nil }
            return (instance.split(separator: ":").first.map(String.init) ?? instance, value)
        }
    }

    private struct QueryAnswer: Decodable {
        struct Data: Decodable {
            struct Sample: Decodable {
                var metric: [String: String]
                var value: [Scalar]
            }
            var result: [Sample]
        }
        var status: String
        var data: Data?
        var error: String?
    }

    /// Prometheus writes a sample as `[1732650000.123, "0.25"]`: a number, then text.
    private struct Scalar: Decodable {
        var text: String?
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            text = (try? container.decode(String.self)) ?? (try? container.decode(Double.self)).map { String($0) }
        }
    }
}

/// A firing alert from Alertmanager.
public struct FiringAlert: Sendable, Equatable {
    public var name: String
    /// The `severity` label (`critical`, `warning`, `info`...), `none` when absent.
    public var severity: String
    public var summary: String
    public var startsAt: Date?
    public var labels: [String: String]

    public init(name: String, severity: String, summary: String, startsAt: Date?, labels: [String: String]) {
        self.name = name
        self.severity = severity
        self.summary = summary
        self.startsAt = startsAt
        self.labels = labels
    }
}

/// Alertmanager's v2 API: active alerts, neither silenced nor inhibited.
public struct AlertmanagerClient: Sendable {
    let upstream: JSONUpstream

    public init(url: String, caFile: String?, timeout: Double, metrics: UpstreamMetrics, http: CurlHTTPClient = .init())
    {
        upstream = JSONUpstream(
            target: "alertmanager", baseURL: url, caBundle: caFile, timeout: timeout, metrics: metrics, http: http)
    }

    public func firingAlerts() async throws(UpstreamFailure) -> [FiringAlert] {
        let alerts = try await upstream.get(
            "/api/v2/alerts?active=true&silenced=false&inhibited=false", as: [AlertObject].self)
        return alerts.filter { $0.status?.state ?? "active" == "active" }.map { alert in
            FiringAlert(
                name: alert.labels["alertname"] ?? "alert",
                severity: alert.labels["severity"] ?? "none",
                summary: alert.annotations?["summary"] ?? alert.annotations?["description"] ?? alert.annotations?[
                    "message"] ?? "",
                startsAt: alert.startsAt,
                labels: alert.labels
            )
        }
    }

    private struct AlertObject: Decodable {
        struct Status: Decodable { var state: String? }
        var labels: [String: String]
        var annotations: [String: String]?
        var startsAt: Date?
        var status: Status?
    }
}

/// An Argo CD application's live state.
public struct ArgoAppStatus: Sendable, Equatable {
    public var name: String
    /// `Synced`, `OutOfSync`, `Unknown`.
    public var sync: String
    /// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`.
    public var health: String
    public var revision: String?

    public init(name: String, sync: String, health: String, revision: String?) {
        self.name = name
        self.sync = sync
        self.health = health
        self.revision = revision
    }
}

/// Argo CD's REST API, read with a (read-only) account token.
public struct ArgoCDClient: Sendable {
    let upstream: JSONUpstream

    /// `token` is asked for at each call; when it throws, the poll fails with its reason (a missing
    /// token shows on the page rather than stopping the start: the integration is optional).
    public init(
        url: String, caFile: String?, timeout: Double, metrics: UpstreamMetrics, http: CurlHTTPClient = .init(),
        token: @escaping @Sendable () throws -> String
    ) {
        upstream = JSONUpstream(
            target: "argocd", baseURL: url, caBundle: caFile, timeout: timeout, metrics: metrics, http: http
        ) {
            [("Authorization", "Bearer \(try token())")]
        }
    }

    public func applications() async throws(UpstreamFailure) -> [ArgoAppStatus] {
        let list = try await upstream.get("/api/v1/applications", as: ApplicationList.self)
        return (list.items ?? []).map { app in
            ArgoAppStatus(
                name: app.metadata.name, sync: app.status?.sync?.status ?? "Unknown",
                health: app.status?.health?.status ?? "Unknown",
                revision: app.status?.sync?.revision)
        }.sorted { $0.name < $1.name }
    }

    private struct ApplicationList: Decodable {
        struct Application: Decodable {
            struct Metadata: Decodable { var name: String }
            struct Status: Decodable {
                struct Sync: Decodable {
                    var status: String?
                    var revision: String?
                }
                struct Health: Decodable { var status: String? }
                var sync: Sync?
                var health: Health?
            }
            var metadata: Metadata
            var status: Status?
        }
        /// Argo CD answers `null` rather than `[]` when there are none.
        var items: [Application]?
    }
}

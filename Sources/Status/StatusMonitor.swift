import Foundation
import HTTPClient
import Logging
import Ollama
import Platform

/// What to watch and how often; nil integrations are off.
public struct StatusSettings: Sendable {
    /// Seconds between polls of Kubernetes, Prometheus, Alertmanager, Argo CD and Ollama.
    public var interval: Double
    /// Longest one call to those may take.
    public var timeout: Double
    /// Checks kept per service, for uptime and the sparkline.
    public var windowSize: Int
    /// Run the checks that `platform/services.yaml` declares.
    public var serviceChecks: Bool
    public var kubernetes: KubernetesClient?
    public var prometheus: PrometheusClient?
    public var alertmanager: AlertmanagerClient?
    public var argocd: ArgoCDClient?
    /// The Ollama the new-app flow drafts with: its list of models (its own listing timeout applies).
    public var ollama: OllamaClient?
    /// The client service checks go through (it carries the trust of `tls.ca_file`).
    public var http: CurlHTTPClient

    public init(
        interval: Double = 30, timeout: Double = 10, windowSize: Int = 60, serviceChecks: Bool = false,
        kubernetes: KubernetesClient? = nil, prometheus: PrometheusClient? = nil,
        alertmanager: AlertmanagerClient? = nil, argocd: ArgoCDClient? = nil, ollama: OllamaClient? = nil,
        http: CurlHTTPClient = .init()
    ) {
        self.http = http
        self.interval = interval
        self.timeout = timeout
        self.windowSize = windowSize
        self.serviceChecks = serviceChecks
        self.kubernetes = kubernetes
        self.prometheus = prometheus
        self.alertmanager = alertmanager
        self.argocd = argocd
        self.ollama = ollama
    }
}

/// Runs the pollers in the background: one task per integration and one per checked service, each
/// bounded by its own timeout, each writing its newest result to the board.
public final class StatusMonitor: Sendable {
    public let board: StatusBoard
    public let metrics: UpstreamMetrics
    let settings: StatusSettings
    /// The services of the current platform snapshot (it changes on reload).
    let services: @Sendable () -> [ServiceLink]
    let logger: Logger

    public init(
        settings: StatusSettings, metrics: UpstreamMetrics, logger: Logger,
        services: @escaping @Sendable () -> [ServiceLink]
    ) {
        self.settings = settings
        self.metrics = metrics
        self.services = services
        self.logger = logger
        var initial = LiveStatus()
        initial.servicesChecked = settings.serviceChecks
        if settings.kubernetes != nil {
            initial.nodes = Observed()
            initial.diagnostics = Observed()
        }
        if settings.prometheus != nil { initial.nodeUsage = Observed() }
        if settings.alertmanager != nil { initial.alerts = Observed() }
        if settings.argocd != nil { initial.applications = Observed() }
        if settings.ollama != nil { initial.ollamaModels = Observed() }
        board = StatusBoard(initial)
    }

    /// Polls until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            if let kubernetes = settings.kubernetes {
                group.addTask { await self.poll("kubernetes", \.nodes) { try await kubernetes.nodes() } }
                group.addTask { await self.poll("k8sgpt", \.diagnostics) { try await kubernetes.diagnostics() } }
            }
            if let prometheus = settings.prometheus {
                group.addTask { await self.poll("prometheus", \.nodeUsage) { try await prometheus.nodeUsage() } }
            }
            if let alertmanager = settings.alertmanager {
                group.addTask { await self.poll("alertmanager", \.alerts) { try await alertmanager.firingAlerts() } }
            }
            if let argocd = settings.argocd {
                group.addTask { await self.poll("argocd", \.applications) { try await argocd.applications() } }
            }
            if let ollama = settings.ollama {
                group.addTask {
                    await self.poll("ollama", \.ollamaModels) {
                        do throws(OllamaError) {
                            return try await ollama.models().map(\.name)
                        } catch {
                            throw UpstreamFailure(error.message)
                        }
                    }
                }
            }
            if settings.serviceChecks {
                group.addTask { await self.superviseServiceChecks() }
            }
        }
    }

    /// Every `interval`: fetch, then record the value or the failure. The log says when a poller
    /// starts failing and when it recovers, not at every poll.
    private func poll<Value: Sendable>(
        _ name: String, _ part: WritableKeyPath<LiveStatus, Observed<Value>?> & Sendable,
        fetch: @escaping @Sendable () async throws -> Value
    ) async {
        var lastFailure: UpstreamFailure?
        while !Task.isCancelled {
            let result: Result<Value, UpstreamFailure>
            do {
                result = .success(try await fetch())
            } catch {
                result = .failure(error as? UpstreamFailure ?? UpstreamFailure("\(error)"))
            }
            guard !Task.isCancelled else { return }
            switch result {
            // Not when the message changes: libcurl's says how many milliseconds the attempt took.
            case .failure(let failure) where lastFailure == nil:
                logger.warning("poll failed", metadata: ["poller": "\(name)", "error": "\(failure.message)"])
                lastFailure = failure
            case .success where lastFailure != nil:
                logger.notice("poll recovered", metadata: ["poller": "\(name)"])
                lastFailure = nil
            default: break
            }
            board.update { $0[keyPath: part]?.record(result, at: Date()) }
            try? await Task.sleep(for: .seconds(settings.interval))
        }
    }

    /// Keeps one checking task per service with a check, following reloads of the platform.
    private func superviseServiceChecks() async {
        struct Running {
            var check: ServiceCheck
            var task: Task<Void, Never>
        }
        var running: [String: Running] = [:]
        defer { for entry in running.values { entry.task.cancel() } }
        while !Task.isCancelled {
            var wanted: [String: ServiceLink] = [:]
            for service in services() where service.check != nil {
                wanted[LiveStatus.key(for: service)] = service
            }
            for (key, entry) in running where wanted[key]?.check != entry.check {
                entry.task.cancel()
                running[key] = nil
            }
            board.update { status in status.services = status.services.filter { wanted[$0.key] != nil } }
            for (key, service) in wanted where running[key] == nil {
                let check = service.check!
                running[key] = Running(
                    check: check, task: Task { await self.checkRepeatedly(service.name, check, key: key) })
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    private func checkRepeatedly(_ name: String, _ check: ServiceCheck, key: String) async {
        let checker = ServiceChecker(metrics: metrics, http: settings.http)
        while !Task.isCancelled {
            let sample = await checker.check(check, service: name)
            guard !Task.isCancelled else { return }
            let capacity = settings.windowSize
            board.update { $0.services[key, default: HealthWindow(capacity: capacity)].append(sample) }
            try? await Task.sleep(for: .seconds(check.intervalSeconds))
        }
    }

    /// Poller results for `/metrics`: each service's state and each integration's newest answer.
    public func families(now: Date = Date()) -> [MetricFamily] {
        let status = board.current
        let checked = services().filter { $0.check != nil }.compactMap { service in
            status.health(of: service).map { (service.name, $0) }
        }
        let polled: [(String, ObservedTimes?)] = [
            ("kubernetes", status.nodes?.erased), ("k8sgpt", status.diagnostics?.erased),
            ("prometheus", status.nodeUsage?.erased),
            ("alertmanager", status.alerts?.erased), ("argocd", status.applications?.erased),
            ("ollama", status.ollamaModels?.erased),
        ]
        let integrations = polled.compactMap { name, times in
            times.map { (name, $0.fetchedAt, $0.attemptedAt != nil && $0.failure == nil) }
        }
        return [
            MetricFamily(
                name: "homeport_service_up", help: "1 when the newest check of a service got an expected status.",
                type: "gauge",
                samples: checked.compactMap { name, window in window.latest.map { (["service": name], $0.isUp ? 1 : 0) }
                }),
            MetricFamily(
                name: "homeport_service_latency_seconds", help: "Time the newest check of a service took to answer.",
                type: "gauge",
                samples: checked.compactMap { name, window in window.latest?.latency.map { (["service": name], $0) } }),
            MetricFamily(
                name: "homeport_service_uptime_ratio", help: "Share of the kept checks of a service that were up.",
                type: "gauge",
                samples: checked.compactMap { name, window in window.uptime.map { (["service": name], $0) } }),
            MetricFamily(
                name: "homeport_service_certificate_expiry_timestamp_seconds",
                help: "When a service's TLS certificate expires.", type: "gauge",
                samples: checked.compactMap { name, window in
                    window.certificate?.expiresAt.map { (["service": name], $0.timeIntervalSince1970) }
                }),
            MetricFamily(
                name: "homeport_poller_up", help: "1 when the newest poll of an integration succeeded.", type: "gauge",
                samples: integrations.map { (["poller": $0.0], $0.2 ? 1 : 0) }),
            MetricFamily(
                name: "homeport_poller_last_success_timestamp_seconds", help: "When an integration last answered.",
                type: "gauge",
                samples: integrations.compactMap { name, fetchedAt, _ in
                    fetchedAt.map { (["poller": name], $0.timeIntervalSince1970) }
                }),
        ] + metrics.families()
    }
}

/// An `Observed` without its value, to treat integrations alike.
struct ObservedTimes: Sendable {
    var fetchedAt: Date?
    var attemptedAt: Date?
    var failure: UpstreamFailure?
}

extension Observed {
    var erased: ObservedTimes {
        ObservedTimes(fetchedAt: fetchedAt, attemptedAt: attemptedAt, failure: failure)
    }
}

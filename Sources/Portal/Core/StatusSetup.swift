import Config
import Foundation
import HTTPClient
import Logging
import Ollama
import ServiceLifecycle
import Status

/// The live-status pollers as the configuration describes them; integrations with an empty URL stay off.
/// `ollama`, the new-app flow's, is polled for its models, so that the form never waits on it.
///
/// `http` carries the trust of `tls.ca_file`; `status.ca_file` and `kubernetes.ca_file` replace it
/// for their calls when set.
func makeStatusMonitor(
    config: HomeportConfig, state: PlatformState, logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment, http: CurlHTTPClient = .init(),
    ollama: OllamaClient? = nil
) -> StatusMonitor {
    let metrics = UpstreamMetrics()
    let timeout = config.status.timeoutSeconds
    let caFile = config.status.caFile.isEmpty ? nil : config.status.caFile
    var settings = StatusSettings(
        interval: config.status.intervalSeconds, timeout: timeout, windowSize: config.status.window,
        serviceChecks: config.status.serviceChecks, ollama: ollama, http: http)
    if !config.kubernetes.apiURL.isEmpty {
        settings.kubernetes = KubernetesClient(
            apiURL: config.kubernetes.apiURL, tokenFile: config.kubernetes.tokenFile,
            caFile: config.kubernetes.caFile, timeout: timeout, metrics: metrics, http: http)
    }
    if !config.prometheus.url.isEmpty {
        settings.prometheus = PrometheusClient(
            url: config.prometheus.url, caFile: caFile, timeout: timeout, metrics: metrics, http: http)
    }
    if !config.alertmanager.url.isEmpty {
        settings.alertmanager = AlertmanagerClient(
            url: config.alertmanager.url, caFile: caFile, timeout: timeout, metrics: metrics, http: http)
    }
    settings.argocd = makeArgoCDClient(config: config, metrics: metrics, environment: environment, http: http)
    return StatusMonitor(settings: settings, metrics: metrics, logger: logger) {
        state.snapshot.serviceGroups.flatMap(\.services)
    }
}

/// The Argo CD client `argocd.*` describes (nil while `argocd.url` is empty), for the status
/// pollers and the request follower alike.
func makeArgoCDClient(
    config: HomeportConfig, metrics: UpstreamMetrics,
    environment: [String: String] = ProcessInfo.processInfo.environment, http: CurlHTTPClient = .init()
) -> ArgoCDClient? {
    guard !config.argocd.url.isEmpty else { return nil }
    let argocd = config.argocd
    let caFile = config.status.caFile.isEmpty ? nil : config.status.caFile
    return ArgoCDClient(
        url: argocd.url, caFile: caFile, timeout: config.status.timeoutSeconds, metrics: metrics, http: http
    ) {
        let source = SecretSource(fileKey: "argocd.token_file", file: argocd.tokenFile, variable: argocd.tokenEnv)
        do {
            return try source.read(environment: environment)
        } catch {
            throw UpstreamFailure("\(error)")
        }
    }
}

/// Runs the pollers while the server runs.
struct StatusMonitorService: Service {
    let monitor: StatusMonitor

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await monitor.run()
        }
        // With nothing to poll the monitor returns at once; a service must last until shutdown.
        try? await gracefulShutdown()
    }
}

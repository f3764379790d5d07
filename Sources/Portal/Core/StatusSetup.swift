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
    if !config.argocd.url.isEmpty {
        let argocd = config.argocd
        settings.argocd = ArgoCDClient(url: argocd.url, caFile: caFile, timeout: timeout, metrics: metrics, http: http)
        {
            if !argocd.tokenFile.isEmpty {
                guard let text = try? String(contentsOfFile: argocd.tokenFile, encoding: .utf8),
                    !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else {
                    throw UpstreamFailure("cannot read a token from \(argocd.tokenFile) (argocd.token_file)")
                }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let token = environment[argocd.tokenEnv], !token.isEmpty else {
                throw UpstreamFailure("no token: set the environment variable \(argocd.tokenEnv) or argocd.token_file")
            }
            return token
        }
    }
    return StatusMonitor(settings: settings, metrics: metrics, logger: logger) {
        state.snapshot.serviceGroups.flatMap(\.services)
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

import Config
import Foundation
import HTTPClient
import Logging
import ServiceLifecycle
import Status

/// The live-status pollers as the configuration describes them; integrations with an empty URL stay off.
///
/// `http` carries the trust of `tls.ca_file`; `status.ca_file` and `kubernetes.ca_file` replace it
/// for their calls when set.
func makeStatusMonitor(
    config: HomeportConfig, state: PlatformState, logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment, http: CurlHTTPClient = .init()
) -> StatusMonitor {
    let metrics = UpstreamMetrics()
    let timeout = config.status.timeoutSeconds
    let caFile = config.status.caFile.isEmpty ? nil : config.status.caFile
    var settings = StatusSettings(
        interval: config.status.intervalSeconds, timeout: timeout, windowSize: config.status.window,
        serviceChecks: config.status.serviceChecks, http: http)
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
            let source = SecretSource(fileKey: "argocd.token_file", file: argocd.tokenFile, variable: argocd.tokenEnv)
            do {
                return try source.read(environment: environment)
            } catch {
                throw UpstreamFailure("\(error)")
            }
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

import Config
import Foundation
import GitOps
import HTTPClient
import Logging
import Provisioning
import ServiceLifecycle
import Status
import Store

/// The request follower the configuration describes: `provider`, the new-app flow's Git provider,
/// Argo CD when `argocd.url` is set, and `gitops.poll_seconds` between looks.
func makeRequestFollower(
    config: HomeportConfig, store: RequestStore, provider: any GitProvider, metrics: UpstreamMetrics, logger: Logger,
    environment: [String: String] = ProcessInfo.processInfo.environment, http: CurlHTTPClient = .init()
) -> RequestFollower {
    RequestFollower(
        store: store, provider: provider,
        argocd: makeArgoCDClient(config: config, metrics: metrics, environment: environment, http: http),
        settings: FollowSettings(
            pollInterval: config.gitops.pollSeconds, degradedAfter: config.gitops.degradedAfterSeconds,
            gitopsFolder: config.gitops.path, namespace: config.policy.namespace,
            baseBranch: config.gitops.baseBranch, providerName: config.gitops.provider.rawValue,
            argoURL: config.argocd.url.isEmpty ? nil : config.argocd.url),
        logger: logger)
}

/// The webhook secret of `gitops.webhook_secret_file` (surrounding blanks trimmed); nil when the
/// key is empty. A configured file that cannot be read, or holds nothing, stops the start.
func webhookSecret(_ gitops: HomeportConfig.GitOps) throws -> [UInt8]? {
    guard !gitops.webhookSecretFile.isEmpty else { return nil }
    let source = SecretSource(fileKey: "gitops.webhook_secret_file", file: gitops.webhookSecretFile, variable: "")
    do {
        return Array(try source.read().utf8)
    } catch {
        throw ConfigError(
            source: gitops.webhookSecretFile, key: "gitops.webhook_secret_file", reason: "cannot read a secret from it")
    }
}

/// Follows open requests while the server runs.
struct RequestFollowerService: Service {
    let follower: RequestFollower

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await follower.run()
        }
    }
}

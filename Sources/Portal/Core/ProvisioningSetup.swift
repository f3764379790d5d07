import Config
import Foundation
import GitOps
import HTTPClient
import Logging
import Manifests
import Ollama
import Platform
import Provisioning
import Store

/// The new-app flow as the configuration describes it; the hosts `state`'s platform serves are
/// reserved from apps' ingresses.
///
/// `http` carries the trust of `tls.ca_file` to Ollama and the Git provider.
func makeProvisioning(
    config: HomeportConfig, database: HomeportDatabase, state: PlatformState, provider: any GitProvider,
    logger: Logger, http: CurlHTTPClient = .init()
) throws -> ProvisioningService {
    let portalHost = URL(string: config.server.publicURL)?.host?.lowercased()
    var policy = config.manifestPolicy
    policy.reservedHosts = Set([portalHost].compactMap { $0 })
    let settings = ProvisioningSettings(
        policy: policy,
        model: config.ollama.model,
        gitopsFolder: config.gitops.path,
        baseBranch: config.gitops.baseBranch,
        publicURL: config.server.publicURL,
        ollamaConcurrency: config.ollama.concurrency,
        autoPR: config.gitops.autoPR,
        generationTimeout: config.ollama.totalTimeoutSeconds,
        queueLimit: config.jobs.queueLimit,
        perUserLimit: config.jobs.perUserLimit,
        forgeRetry: ForgeRetrySchedule(
            maxAttempts: config.gitops.retryAttempts, maxSeconds: config.gitops.retryMaxSeconds,
            baseDelay: config.gitops.retryFirstSeconds),
        platformHosts: { platformHosts(state.snapshot) },
        knownImages: { state.snapshot.knownImages }
    )
    let ollama = OllamaClient(
        baseURL: config.ollama.url,
        timeouts: OllamaTimeouts(
            connect: config.ollama.connectTimeoutSeconds, firstToken: config.ollama.firstTokenTimeoutSeconds,
            total: config.ollama.totalTimeoutSeconds
        ), http: http)
    let store = RequestStore(database: database)
    let feed = LiveFeed()
    let runner = JobRunner(
        store: store, ollama: ollama, provider: provider, settings: settings, feed: feed, logger: logger)
    return ProvisioningService(store: store, runner: runner, feed: feed, ollama: ollama, settings: settings)
}

extension HomeportConfig {
    /// The policy `policy.*` describes, for the new-app flow and `homeport lint` alike (the flow
    /// adds the hosts the platform already serves).
    public var manifestPolicy: ManifestPolicy {
        ManifestPolicy(
            namespace: policy.namespace,
            ingressDomains: policy.ingressDomains,
            serviceTypes: Set(policy.serviceTypes),
            storageClasses: Set(policy.storageClasses)
        )
    }
}

/// The hosts of the platform's service links (`platform/services.yaml`): an app's Ingress for one
/// would take over that service's traffic. The snapshot holds no ingresses of the GitOps folder.
func platformHosts(_ snapshot: PlatformSnapshot) -> Set<String> {
    Set(snapshot.serviceGroups.flatMap(\.services).compactMap { URL(string: $0.url)?.host?.lowercased() })
}

/// The libcurl client every outbound call shares: it trusts the system's CAs and those of
/// `tls.ca_file`, joined once here; an unreadable or empty CA file stops the start.
public func outboundHTTPClient(config: HomeportConfig) throws -> CurlHTTPClient {
    guard !config.tls.caFile.isEmpty else { return CurlHTTPClient() }
    do {
        return CurlHTTPClient(trust: try TLSTrust(addingCAFile: config.tls.caFile))
    } catch {
        throw ConfigError(source: config.tls.caFile, key: "tls.ca_file", reason: error.reason)
    }
}

/// Why the configured Git provider cannot be used; stops the start.
struct ProviderConfigurationError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a forge token from its file, else from its environment variable; never logs it.
func forgeToken(
    _ forge: HomeportConfig.GitOps.Forge, key: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> String {
    let source = SecretSource(fileKey: "gitops.\(key).token_file", file: forge.tokenFile, variable: forge.tokenEnv)
    do {
        return try source.read(environment: environment)
    } catch {
        throw ProviderConfigurationError(description: "gitops.\(key): \(error)")
    }
}

/// Logs every call to the forge at debug level: method, URL, status or failure, time and
/// attempt. The trace holds no credential (tokens travel in a header the trace never sees).
func forgeCallLogger(_ logger: Logger) -> GitProviderTraceHandler {
    { trace in
        logger.debug(
            "forge call",
            metadata: [
                "method": "\(trace.method)", "url": "\(trace.url)", "attempt": "\(trace.attempt)",
                "outcome": "\(trace.status.map(String.init) ?? trace.failure ?? "no answer")",
                "ms": "\(trace.milliseconds)",
            ])
    }
}

/// The Git provider `gitops.provider` names; a missing token or repository stops the start.
func makeGitProvider(
    config: HomeportConfig, environment: [String: String] = ProcessInfo.processInfo.environment,
    http: CurlHTTPClient = .init(), trace: GitProviderTraceHandler? = nil
) throws -> any GitProvider {
    let gitops = config.gitops
    do {
        switch gitops.provider {
        case .git:
            let repository = gitops.git.repository.isEmpty ? config.dataDir + "/gitops.git" : gitops.git.repository
            return GitCLIProvider(
                repositoryPath: URL(fileURLWithPath: repository).standardizedFileURL.path,
                seedPath: URL(fileURLWithPath: config.platform.root).standardizedFileURL.path,
                remote: gitops.git.remote.isEmpty ? nil : gitops.git.remote
            )
        case .github:
            guard !gitops.github.repository.isEmpty else {
                throw ProviderConfigurationError(
                    description: "gitops.github.repository: set owner/name of the GitOps repository")
            }
            return try GitHubProvider(
                apiURL: gitops.github.apiURL, repository: gitops.github.repository,
                token: try forgeToken(gitops.github, key: "github", environment: environment), http: http,
                trace: trace)
        case .gitea:
            guard !gitops.gitea.repository.isEmpty else {
                throw ProviderConfigurationError(
                    description: "gitops.gitea.repository: set owner/name of the GitOps repository")
            }
            return try GiteaProvider(
                apiURL: gitops.gitea.apiURL, repository: gitops.gitea.repository,
                token: try forgeToken(gitops.gitea, key: "gitea", environment: environment), http: http,
                trace: trace)
        }
    } catch let error as GitProviderError {
        throw ProviderConfigurationError(description: "gitops.\(gitops.provider.rawValue): \(error.message)")
    }
}

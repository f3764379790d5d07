import Auth
import Config
import Foundation
import GitOps
import Hummingbird
import HummingbirdCore
import Logging
import Platform
import Provisioning
import ServiceLifecycle
import Status
import Store

/// Builds the portal from its configuration: opens and migrates the database, loads the platform,
/// wires the new-app flow and the router.
public func buildApplication(config: HomeportConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let database = try HomeportDatabase(path: config.databasePath)
    let applied = try database.migrate(folder: config.resourcesDir + "/migrations")
    if !applied.isEmpty {
        logger.info("database migrated", metadata: ["applied": "\(applied.joined(separator: ", "))"])
    }
    let state = try PlatformState(loader: PlatformLoader(paths: config.platformPaths), logger: logger)
    let http = try outboundHTTPClient(config: config)
    // One Git provider for the new-app flow and the follower: the token is read once, and every
    // forge call is logged at debug level.
    let provider = try makeGitProvider(config: config, http: http, trace: forgeCallLogger(logger))
    let provisioning = try makeProvisioning(
        config: config, database: database, state: state, provider: provider, logger: logger, http: http)
    let monitor = makeStatusMonitor(
        config: config, state: state, logger: logger, http: http, ollama: provisioning.ollama)
    let backups = makeScheduledBackups(config: config, database: database, logger: logger)
    let follower = makeRequestFollower(
        config: config, store: provisioning.store, provider: provider, metrics: monitor.metrics, logger: logger,
        http: http)
    let authenticator = try makeAuthenticator(config.auth)
    let metrics = PortalMetrics()
    let router = try await buildRouter(
        state: state, provisioning: provisioning, resourcesDirectory: config.resourcesDir,
        authenticator: authenticator, monitor: monitor, backups: backups?.log,
        secureCookies: config.server.publicURL.lowercased().hasPrefix("https://"), follower: follower,
        webhookSecret: try webhookSecret(config.gitops), requestLogging: config.log.requests, metrics: metrics)
    // An access log of every request wants each one through the router, where it is written.
    let replay =
        config.log.requests == .all
        ? nil
        : PageReplay(
            state: state, status: monitor.board, requestChanges: provisioning.store.changes,
            authenticator: authenticator, metrics: metrics, serverName: serverName)
    return Application(
        router: router,
        server: httpServer(idleTimeoutSeconds: config.server.idleTimeoutSeconds, replay: replay),
        configuration: .init(address: .hostname(config.server.host, port: config.server.port), serverName: serverName),
        services: [
            ReloadOnHangup(state: state),
            JobRunnerService(
                runner: provisioning.runner, grace: .milliseconds(Int64(config.jobs.shutdownGraceSeconds * 1000))),
            StatusMonitorService(monitor: monitor),
            RequestFollowerService(follower: follower),
        ] + (backups.map { [$0.service] } ?? []),
        logger: logger
    )
}

/// The `Server` header of every response.
let serverName = "homeport"

/// HTTP/1.1 with the limits a public-facing server needs: a connection silent for
/// `idleTimeoutSeconds` is closed, and oversized headers are refused before any handler runs.
/// With `replay`, requests for cached pages are answered before the router (`PageReplayHandler`).
func httpServer(idleTimeoutSeconds: Double, replay: PageReplay? = nil) -> HTTPServerBuilder {
    let configuration = HTTP1Channel.Configuration(
        idleTimeout: .milliseconds(Int64(idleTimeoutSeconds * 1000)),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)
    )
    guard let replay else { return .http1(configuration: configuration) }
    return HTTPServerBuilder { responder in
        ReplayingHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: configuration), replay: replay)
    }
}

/// The router with every page and the API; tests drive it directly.
///
/// `monitor` holds the live status pages read; by default none is polled. `backups` is what the
/// scheduled backups did, when they are on. `secureCookies` marks cookies `Secure`, for a portal
/// served over https. `follower` takes the forges' webhooks signed with `webhookSecret`.
/// `requestLogging` says which requests get a log line; `metrics` counts them for `/metrics`.
public func buildRouter(
    state: PlatformState, provisioning: ProvisioningService, resourcesDirectory: String,
    authenticator: Authenticator = .anonymous,
    monitor: StatusMonitor = StatusMonitor(
        settings: StatusSettings(), metrics: UpstreamMetrics(), logger: Logger(label: "homeport"), services: { [] }),
    backups: BackupLog? = nil, secureCookies: Bool = false, follower: RequestFollower? = nil,
    webhookSecret: [UInt8]? = nil, requestLogging: HomeportConfig.RequestLogging = HomeportConfig.Log().requests,
    metrics: PortalMetrics = PortalMetrics()
) async throws -> Router<PortalRequestContext> {
    let pages = try await PageRenderer(templatesDirectory: resourcesDirectory + "/Templates")
    // HEAD answers on every GET route, as monitors and link checkers expect: the GET's status and headers, no body.
    let router = Router(context: PortalRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: RequestLogMiddleware(logging: requestLogging))
    router.add(middleware: SecurityHeadersMiddleware())
    // Who is signed in is known before any page, error pages included, is rendered.
    let errorPages = ErrorPageMiddleware(state: state, pages: pages)
    router.add(middleware: AuthMiddleware(authenticator: authenticator, errorPages: errorPages))
    router.add(middleware: errorPages)
    router.add(middleware: PathGuardMiddleware())
    // Static files answer before the CSRF cookie is set: they carry no form, and stay cacheable.
    router.add(middleware: try StaticAssetsMiddleware(directory: resourcesDirectory + "/Public"))
    router.add(middleware: CSRFMiddleware(secureCookie: secureCookies))
    router.addRoutes(
        OverviewController(state: state, pages: pages, status: monitor.board, requests: provisioning.store).endpoints)
    router.addRoutes(CatalogController(state: state, pages: pages, status: monitor.board).endpoints)
    router.addRoutes(ADRController(state: state, pages: pages).endpoints)
    router.addRoutes(EntityDocsController(state: state, pages: pages).endpoints)
    router.addRoutes(PlatformPagesController(state: state, pages: pages, status: monitor.board).endpoints)
    router.addRoutes(
        OperationsController(
            state: state, pages: pages, provisioning: provisioning, metrics: metrics, monitor: monitor,
            backups: backups,
            follow: follower?.metrics
        ).endpoints)
    router.addRoutes(WebhookController(follower: follower, secret: webhookSecret).endpoints)
    router.addRoutes(
        NewAppController(state: state, pages: pages, provisioning: provisioning, status: monitor.board).endpoints)
    router.addRoutes(
        RequestsController(
            state: state, pages: pages, provisioning: provisioning, argoURL: follower?.settings.argoURL
        ).endpoints)
    router.addRoutes(APIController(state: state, provisioning: provisioning).endpoints)
    router.addRoutes(SearchController(state: state, pages: pages, store: provisioning.store).endpoints)
    router.addRoutes(
        try APIDocsController(state: state, pages: pages, documentPath: resourcesDirectory + "/Public/openapi.json")
            .endpoints)
    return router
}

extension HomeportConfig {
    /// The platform part of the configuration, as the loader takes it.
    public var platformPaths: PlatformPaths {
        PlatformPaths(
            root: platform.root,
            catalog: platform.catalog,
            adrDir: platform.adrDir,
            inventory: platform.inventory,
            services: platform.services,
            dashboardsDir: platform.dashboardsDir,
            gitopsAppsDir: platform.gitopsAppsDir
        )
    }
}

/// Reloads the platform on SIGHUP, as daemons conventionally do.
struct ReloadOnHangup: Service {
    let state: PlatformState

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [state] in state.reload() }
        source.resume()
        try? await gracefulShutdown()
        source.cancel()
    }
}

/// Runs queued requests while the server runs. On shutdown (SIGTERM) running jobs get `grace` to
/// finish; those still running then stop where they are and resume at the next start (their state
/// is in the database).
struct JobRunnerService: Service {
    let runner: JobRunner
    let grace: Duration

    func run() async throws {
        try await runner.start()
        try? await gracefulShutdown()
        await runner.shutdown(grace: grace)
    }
}

/// The authenticator `auth` describes; an unreadable or malformed token file stops the start.
func makeAuthenticator(_ auth: HomeportConfig.Auth) throws -> Authenticator {
    let tokens = TokenStore(inline: auth.tokens, file: auth.tokensFile.isEmpty ? nil : auth.tokensFile)
    do {
        try tokens.load()
    } catch {
        throw ConfigError(source: auth.tokensFile, key: "auth.tokens_file", reason: error.reason)
    }
    return Authenticator(
        mode: auth.mode, userHeader: auth.proxy.userHeader, emailHeader: auth.proxy.emailHeader,
        trustedProxies: auth.proxy.trustedAddresses, tokens: tokens, readRequiresUser: auth.readRequiresUser,
        admins: Set(auth.admins))
}

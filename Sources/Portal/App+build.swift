import Config
import Foundation
import Hummingbird
import Logging
import Platform
import ServiceLifecycle

/// Builds the portal from its configuration: loads the platform, then wires the router.
public func buildApplication(config: HomeportConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let state = try PlatformState(loader: PlatformLoader(paths: config.platformPaths), logger: logger)
    let router = try await buildRouter(state: state, resourcesDirectory: config.resourcesDir)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.server.host, port: config.server.port), serverName: "homeport"),
        services: [ReloadOnHangup(state: state)],
        logger: logger
    )
}

/// The router with every page; tests drive it directly.
public func buildRouter(state: PlatformState, resourcesDirectory: String) async throws -> Router<BasicRequestContext> {
    let pages = try await PageRenderer(templatesDirectory: resourcesDirectory + "/Templates")
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorPageMiddleware(state: state, pages: pages))
    router.add(middleware: FileMiddleware(resourcesDirectory + "/Public", urlBasePath: "/static", searchForIndexHtml: false))
    router.addRoutes(OverviewController(state: state, pages: pages).endpoints)
    router.addRoutes(CatalogController(state: state, pages: pages).endpoints)
    router.addRoutes(ADRController(state: state, pages: pages).endpoints)
    router.addRoutes(PlatformPagesController(state: state, pages: pages).endpoints)
    router.addRoutes(OperationsController(state: state, pages: pages).endpoints)
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

import Hummingbird

/// Homeport's own pages: load errors, reload, health.
struct OperationsController<Context: RequestContext> {
    let state: PlatformState
    let pages: PageRenderer

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/-/errors", use: errors)
        routes.post("/-/reload", use: reload)
        routes.get("/healthz", use: health)
        return routes
    }

    @Sendable func errors(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        return pages.page("errors", ErrorsModel(state: current), title: "Load errors", section: .errors, snapshot: current.snapshot)
    }

    /// Rebuilds the snapshot, then shows the errors page with the outcome.
    @Sendable func reload(_ request: Request, context: Context) async throws -> Response {
        _ = await Task.detached { state.reload() }.value
        return Response(status: .seeOther, headers: [.location: "/-/errors"])
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> String {
        "ok\n"
    }
}

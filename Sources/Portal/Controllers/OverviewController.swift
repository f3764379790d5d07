import Hummingbird

/// `/`: the overview.
struct OverviewController<Context: RequestContext> {
    let state: PlatformState
    let pages: PageRenderer

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/", use: overview)
        return routes
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        return current.pageCache.page(.overview) {
            pages.page("overview", OverviewModel(snapshot: current.snapshot), title: "Overview", section: .overview, snapshot: current.snapshot)
        }
    }
}

import Foundation
import Hummingbird
import Status

/// `/`: the overview.
struct OverviewController<Context: RequestContext> {
    let state: PlatformState
    let pages: PageRenderer
    let status: StatusBoard

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/", use: overview)
        return routes
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        // Read before the status: a page is never older than its key.
        let statusRevision = status.revision
        return await current.pageCache.page(.overview(statusRevision: statusRevision)) {
            pages.page(
                "overview", OverviewModel(snapshot: current.snapshot, status: status.current, now: Date()),
                title: "Overview", section: .overview, snapshot: current.snapshot)
        }
    }
}

import Foundation
import Hummingbird
import Status
import Store

/// `/`: the overview.
struct OverviewController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let status: StatusBoard
    /// Requests in review, merged, live and degraded; nil leaves them off the page.
    var requests: RequestStore? = nil

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/", use: overview)
        return routes
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        // Read before the status: a page is never older than its key.
        let statusRevision = status.revision
        let requestRevision = requests?.changes.current ?? 0
        return await current.pageCache.page(
            .overview(statusRevision: statusRevision, requestRevision: requestRevision), for: request, context: context
        ) {
            var model = OverviewModel(snapshot: current.snapshot, status: status.current, now: Date())
            model.requests = (try? await requests?.countsByStatus()).map(RequestCountsModel.init)
            return pages.page(
                "overview", model, title: "Overview", section: .overview, snapshot: current.snapshot,
                user: context.identity, csrfToken: context.csrfToken)
        }
    }
}

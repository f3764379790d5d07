import Hummingbird

/// `/adr` and `/adr/{id}`.
struct ADRController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/adr", use: index)
        routes.get("/adr/:id", use: record)
        return routes
    }

    @Sendable func index(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        return await current.pageCache.page(.adrIndex, for: request, context: context) {
            pages.page(
                "adr-index", ADRIndexModel(snapshot: current.snapshot), title: "Architecture decisions", section: .adrs,
                snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        let id = try context.parameters.require("id")
        guard let adr = current.snapshot.adr(id: id) else {
            throw HTTPError(.notFound, message: "There is no decision record \(id).")
        }
        return await current.pageCache.page(.adr(id), for: request, context: context) {
            let snapshot = current.snapshot
            return pages.page(
                "adr", ADRPageModel(adr: adr, snapshot: snapshot), title: adr.title, section: .adrs, snapshot: snapshot,
                user: context.identity, csrfToken: context.csrfToken)
        }
    }
}

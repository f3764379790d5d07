import Hummingbird

/// `/inventory` and `/observability`: pages drawn straight from the snapshot.
struct PlatformPagesController<Context: RequestContext> {
    let state: PlatformState
    let pages: PageRenderer

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/inventory", use: inventory)
        routes.get("/observability", use: observability)
        return routes
    }

    @Sendable func inventory(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        return pages.page("inventory", InventoryModel(snapshot: snapshot), title: "Inventory", section: .inventory, snapshot: snapshot)
    }

    @Sendable func observability(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        return pages.page("observability", ObservabilityModel(snapshot: snapshot), title: "Observability", section: .observability, snapshot: snapshot)
    }
}

import Foundation
import Hummingbird
import Status

/// `/inventory`, `/observability` and `/diagnostics`: the snapshot, with the pollers' newest results.
struct PlatformPagesController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let status: StatusBoard

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/inventory", use: inventory)
        routes.get("/observability", use: observability)
        routes.get("/diagnostics", use: diagnostics)
        return routes
    }

    @Sendable func inventory(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        return pages.page(
            "inventory", InventoryModel(snapshot: snapshot, status: status.current, now: Date()), title: "Inventory",
            section: .inventory, snapshot: snapshot, user: context.identity, csrfToken: context.csrfToken)
    }

    @Sendable func observability(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        return pages.page(
            "observability", ObservabilityModel(snapshot: snapshot, status: status.current, now: Date()),
            title: "Observability", section: .observability, snapshot: snapshot, user: context.identity,
            csrfToken: context.csrfToken)
    }

    @Sendable func diagnostics(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        return pages.page(
            "diagnostics", DiagnosticsModel(snapshot: snapshot, status: status.current, now: Date()),
            title: "Diagnostics", section: .diagnostics, snapshot: snapshot, user: context.identity,
            csrfToken: context.csrfToken)
    }
}

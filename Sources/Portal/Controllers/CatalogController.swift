import Foundation
import Hummingbird
import Platform
import Status

/// `/catalog` and the entity pages.
struct CatalogController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let status: StatusBoard

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/catalog", use: list)
        routes.get("/catalog/:kind/:namespace/:name", use: entity)
        return routes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        // Parsed once, and not looked into when empty (the catalog's first page): Hummingbird
        // hashes the name on every lookup, and the nine of them were a hundredth of a cached
        // page's CPU.
        let parameters = request.uri.queryParameters
        let query = CatalogQuery { parameters.isEmpty ? nil : parameters.get($0) }
        return await current.pageCache.page(.catalog(query), for: request, context: context) {
            pages.page(
                "catalog", CatalogModel(snapshot: current.snapshot, query: query), title: "Catalog", section: .catalog,
                snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }
    }

    @Sendable func entity(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        let ref = EntityRef(
            kind: try context.parameters.require("kind"),
            namespace: try context.parameters.require("namespace"),
            name: try context.parameters.require("name")
        )
        // The entity and the snapshot are read only to render: a copy of them on every cached
        // answer cost more than the cache lookup.
        guard let position = current.snapshot.catalog.index[ref] else {
            throw HTTPError(.notFound, message: "There is no \(ref) in the catalog.")
        }
        // Read before the status: a page is never older than its key.
        let statusRevision = status.revision
        return await current.pageCache.page(
            .entity(ref, statusRevision: statusRevision), for: request, context: context
        ) {
            let snapshot = current.snapshot
            let entity = snapshot.catalog.entities[position]
            return pages.page(
                "entity", EntityModel(entity: entity, snapshot: snapshot, status: status.current, now: Date()),
                title: entity.displayName, section: .catalog, snapshot: snapshot, user: context.identity,
                csrfToken: context.csrfToken)
        }
    }
}

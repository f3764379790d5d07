import Hummingbird
import Platform

/// The pages beside an entity's page: its documentation (`/docs/…`, with the images of its docs
/// folder), its API definition (`/definition`) and its own decision records (`/adr/{id}`).
struct EntityDocsController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/catalog/:kind/:namespace/:name/docs", use: docs)
        routes.get("/catalog/:kind/:namespace/:name/docs/**", use: docs)
        routes.get("/catalog/:kind/:namespace/:name/definition", use: definition)
        routes.get("/catalog/:kind/:namespace/:name/adr/:id", use: record)
        return routes
    }

    /// A documentation page, or an image of the docs folder (`docs/images/flow.png`).
    @Sendable func docs(_ request: Request, context: Context) async throws -> Response {
        let current = state.current
        let (entity, ref) = try Self.entity(context, in: current.snapshot)
        guard let site = await current.snapshot.docs.sites.value[ref] else {
            throw HTTPError(.notFound, message: "\(entity.displayName) has no documentation.")
        }
        let path = context.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? String($0) }
            .joined(separator: "/")
        guard let page = site.page(path) else {
            if let image = site.image(path) {
                var headers: HTTPFields = [.contentType: image.contentType, .cacheControl: "no-cache"]
                // An SVG opened on its own is a document of this origin: downloaded instead, it never
                // runs as one. As an <img> it shows all the same (images ignore the header).
                if image.contentType == "image/svg+xml" { headers[.contentDisposition] = "attachment" }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: image.bytes)))
            }
            throw HTTPError(.notFound, message: "The documentation of \(entity.displayName) has no page \(path).")
        }
        return try await current.pageCache.page(.docs(ref, page: path), for: request, context: context) {
            pages.page(
                "docs", DocsPageModel(entity: entity, site: site, page: page),
                title: "\(page.title) · \(site.siteName)",
                section: .catalog, snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }.response(from: request, context: context)
    }

    @Sendable func definition(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        let (entity, ref) = try Self.entity(context, in: current.snapshot)
        guard let text = entity.definition else {
            throw HTTPError(.notFound, message: "\(entity.displayName) has no API definition.")
        }
        return await current.pageCache.page(.apiDefinition(ref), for: request, context: context) {
            pages.page(
                "api-definition", APIDefinitionModel(entity: entity, text: text),
                title: "\(entity.displayName) definition",
                section: .catalog, snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        let (entity, ref) = try Self.entity(context, in: current.snapshot)
        let id = try context.parameters.require("id")
        guard let kept = current.snapshot.entityADRs[ref], kept.owner != nil, let adr = kept.record(id: id)
        else {
            throw HTTPError(.notFound, message: "\(entity.displayName) has no decision record \(id).")
        }
        return await current.pageCache.page(.entityADR(ref, id: id), for: request, context: context) {
            pages.page(
                "adr", ADRPageModel(adr: adr, kept: kept, entity: entity), title: adr.title, section: .catalog,
                snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }
    }

    private static func entity(_ context: Context, in snapshot: PlatformSnapshot) throws -> (Entity, EntityRef) {
        let ref = EntityRef(
            kind: try context.parameters.require("kind"),
            namespace: try context.parameters.require("namespace"),
            name: try context.parameters.require("name")
        )
        guard let entity = snapshot.catalog[ref] else {
            throw HTTPError(.notFound, message: "There is no \(ref) in the catalog.")
        }
        return (entity, ref)
    }
}

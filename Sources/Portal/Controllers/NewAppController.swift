import Hummingbird
import Platform
import Provisioning
import Store

/// `GET/POST /apps/new`: the form that starts a request.
struct NewAppController<Context: RequestContext> {
    let state: PlatformState
    let pages: PageRenderer
    let provisioning: ProvisioningService

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/apps/new", use: form)
        routes.post("/apps/new", use: submit)
        return routes
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> HTMLPage {
        await page(values: [:], errors: FieldErrors())
    }

    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        let values = try await RequestBodies.form(request)
        let result = try await provisioning.submit(values, source: "form", autoPR: provisioning.settings.autoPR, requestedBy: nil,
                                                   context: ValidationContext(snapshot: state.snapshot, store: provisioning.store))
        switch result {
        case let .success(created):
            return Response(status: .seeOther, headers: [.location: "/requests/\(created.id)"])
        case let .failure(errors):
            return try await page(values: values, errors: errors).response(from: request, context: context)
        }
    }

    private func page(values: [String: String], errors: FieldErrors) async -> HTMLPage {
        let snapshot = state.snapshot
        let groups = snapshot.catalog.entities.filter { $0.ref.kind == "group" }
        let model = NewAppFormModel(values: values, errors: errors, groups: groups, ollama: await provisioning.ollamaStatus(),
                                    autoPR: provisioning.settings.autoPR)
        return pages.page("new-app", model, title: "New app", section: .newApp, snapshot: snapshot,
                          status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

extension ValidationContext {
    /// What the form checks against: the catalog's groups and components, and open requests.
    init(snapshot: PlatformSnapshot, store: RequestStore) {
        let entities = snapshot.catalog.entities
        self.init(
            groups: Set(entities.filter { $0.ref.kind == "group" }.map(\.ref.description)),
            componentNames: Set(entities.filter { $0.ref.kind == "component" }.map(\.ref.name)),
            openRequestForApp: { name in (try? store.holder(ofApp: name))?.id }
        )
    }
}

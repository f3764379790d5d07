import Hummingbird
import Platform
import Provisioning
import Store

/// `GET/POST /apps/new`: the form that starts a request.
struct NewAppController {
    typealias Context = PortalRequestContext
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
        await page(values: [:], errors: FieldErrors(), context: context)
    }

    @Sendable func submit(_ request: Request, context: Context) async throws -> Response {
        let values = try await RequestBodies.form(NewAppForm.self, from: request).fields
        let result: Result<AppRequest, FieldErrors>
        do {
            result = try await provisioning.submit(
                values, source: "form", autoPR: provisioning.settings.autoPR, requestedBy: context.identity?.name,
                context: ValidationContext(snapshot: state.snapshot, store: provisioning.store))
        } catch let full as ProvisioningService.QueueFull {
            let message =
                "\(full.limit) requests are already waiting or running. Your input is kept: send it again in a minute."
            return try await tooMany(
                message, retryAfter: full.retryAfter, values: values, request: request, context: context)
        } catch let limit as ProvisioningService.UserLimitReached {
            return try await tooMany(
                limit.message + " Your input is kept.", retryAfter: limit.retryAfter, values: values, request: request,
                context: context)
        }
        switch result {
        case .success(let created):
            return Response(status: .seeOther, headers: [.location: "/requests/\(created.id)"])
        case .failure(let errors):
            return try await page(values: values, errors: errors, status: .unprocessableContent, context: context)
                .response(
                    from: request, context: context)
        }
    }

    /// 429: the form again with the input and why, and when to try again.
    private func tooMany(
        _ message: String, retryAfter: Int, values: [String: String], request: Request, context: Context
    ) async throws -> Response {
        var response = try await page(
            values: values, errors: FieldErrors(), notice: message, status: .tooManyRequests, context: context
        ).response(from: request, context: context)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    private func page(
        values: [String: String], errors: FieldErrors, notice: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async -> HTMLPage {
        let snapshot = state.snapshot
        let groups = snapshot.catalog.entities.filter { $0.ref.kind == "group" }
        let holder =
            errors["app_name"] == nil
            ? nil : values["app_name"].flatMap { try? provisioning.store.holder(ofApp: $0)?.id }
        let model = NewAppFormModel(
            values: values, errors: errors, groups: groups, ollama: await provisioning.ollamaStatus(),
            autoPR: provisioning.settings.autoPR, notice: notice, nameHolder: holder)
        return pages.page(
            "new-app", model, title: "New app", section: .newApp, snapshot: snapshot, user: context.identity,
            csrfToken: context.csrfToken, status: status)
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

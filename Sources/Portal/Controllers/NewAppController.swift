import Foundation
import Hummingbird
import Platform
import Provisioning
import SiteURL
import Status
import Store

/// `GET/POST /apps/new`: the form that starts a request. What it says about Ollama comes from the
/// status monitor's last poll: the page never waits on Ollama.
struct NewAppController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let provisioning: ProvisioningService
    let status: StatusBoard

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
                context: await ValidationContext(snapshot: state.snapshot, store: provisioning.store, fields: values))
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
            return Response(status: .seeOther, headers: [.location: SiteURL.request(id: created.id).path])
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
        var holder: String?
        if errors["app_name"] != nil, let name = values["app_name"] {
            holder = try? await provisioning.store.holder(ofApp: name)?.id
        }
        let model = NewAppFormModel(
            values: values, errors: errors, groups: groups,
            ollama: OllamaNotice(
                self.status.current.ollamaModels, configuredModel: provisioning.settings.model, now: Date()),
            autoPR: provisioning.settings.autoPR, notice: notice, nameHolder: holder)
        return pages.page(
            "new-app", model, title: "New app", section: .newApp, snapshot: snapshot, user: context.identity,
            csrfToken: context.csrfToken, status: status)
    }
}

extension ValidationContext {
    /// What the form checks against: the catalog's groups and components, and the open request
    /// holding the app name `fields` ask for (read here: the validator itself never waits).
    init(snapshot: PlatformSnapshot, store: RequestStore, fields: [String: String]) async {
        let entities = snapshot.catalog.entities
        let asked = (fields["app_name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let holder = asked.isEmpty ? nil : try? await store.holder(ofApp: asked)?.id
        self.init(
            groups: Set(entities.filter { $0.ref.kind == "group" }.map(\.ref.description)),
            componentNames: Set(entities.filter { $0.ref.kind == "component" }.map(\.ref.name)),
            openRequestForApp: { name in name == asked ? holder : nil }
        )
    }
}

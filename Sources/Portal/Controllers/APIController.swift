import Auth
import Foundation
import Hummingbird
import Manifests
import Platform
import Provisioning
import RequestValues
import SiteURL
import Store

/// The JSON API: the seed-compatible `POST /generate/manifest` and `/api/v1/requests`.
/// Bodies and answers are the Codable types of openapi.json's schemas; handlers throw `APIError`,
/// which answers `{"error": {"code", "message", "field"}}` with its status.
struct APIController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let provisioning: ProvisioningService

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/generate/manifest", use: generateManifest)
        routes.post("/api/v1/requests", use: create)
        routes.get("/api/v1/requests", use: list)
        routes.get("/api/v1/requests/:id", use: show)
        routes.post("/api/v1/requests/:id/:action", use: act)
        return routes
    }

    /// `{prompt, app_name}` → `{pr_url, branch, manifest, app_name}`: the whole chain, synchronously,
    /// with the ollama engine (the intent engine; an optional `engine` picks another) and the pull
    /// request opened straight away — the call the homelab's scripts already make. A request that
    /// names no usable image answers `needs_input` with a question per missing field.
    @Sendable func generateManifest(
        _ request: Request, context: Context
    ) async throws -> JSONResponse<GeneratedManifest> {
        var input = try await RequestBodies.json(AppRequestInput.self, from: request)
        if (input.engine ?? "").isEmpty { input.engine = AppSpec.Engine.ollama.rawValue }
        let created = try await submit(input, source: "generate-manifest", autoPR: true, by: context.identity)
        let settled = try await provisioning.waitUntilSettled(
            created.id, timeout: provisioning.settings.generationTimeout * 2 + 120)
        switch settled.status {
        case .prOpened:
            return JSONResponse(
                value: GeneratedManifest(
                    prURL: settled.prURL ?? "", branch: settled.branch ?? "", manifest: settled.manifest ?? "",
                    appName: settled.appName, requestID: settled.id))
        case .rejected:
            let findings = (try? settled.findings()) ?? []
            let questions = IntentFindings.questions(in: findings)
            if !questions.isEmpty {
                throw APIError(
                    status: .unprocessableContent, code: "needs_input",
                    message: questions.keys.sorted().compactMap { questions[$0] }.joined(separator: " "),
                    field: questions.keys.sorted().first, fields: questions)
            }
            if findings.contains(where: { $0.path == IntentFindings.refused }) {
                throw APIError(
                    status: .unprocessableContent, code: "rejected",
                    message:
                        "The request was refused: it \(settled.failureReason ?? "asks for what the policy forbids")"
                )
            }
            throw APIError(
                status: .unprocessableContent, code: "rejected",
                message:
                    "The generated manifests were rejected by the policy: \(settled.failureReason ?? "see the request")"
            )
        case .failed:
            throw APIError(
                status: .badGateway, code: "failed", message: settled.failureReason ?? "The request failed.")
        default:
            throw APIError(
                status: .gatewayTimeout, code: "timeout",
                message:
                    "The request is still \(settled.status.rawValue); follow it at /api/v1/requests/\(settled.id).")
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> JSONResponse<AppRequestResource> {
        let input = try await RequestBodies.json(AppRequestInput.self, from: request)
        let created = try await submit(
            input, source: "api", autoPR: input.autoPR ?? provisioning.settings.autoPR, by: context.identity)
        return JSONResponse(
            value: try await resource(created), status: .accepted,
            headers: [.location: SiteURL.apiRequest(id: created.id).path])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> JSONResponse<AppRequestPage> {
        let parameters = request.uri.queryParameters
        var status: RequestStatus?
        if let text = parameters.get("status") {
            guard let parsed = RequestStatus(rawValue: text) else {
                throw APIError(
                    status: .badRequest, code: "invalid_field", message: "Unknown status '\(text)'.", field: "status")
            }
            status = parsed
        }
        let query = RequestQuery(
            status: status, text: parameters.get("q"), requestedBy: context.mine(parameters),
            page: try PageParameter.strict(parameters))
        let page = try await provisioning.store.list(query)
        return JSONResponse(
            value: AppRequestPage(
                requests: page.requests.map(AppRequestResource.init(summary:)), total: page.total, page: page.page,
                pageSize: query.pageSize))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> JSONResponse<AppRequestResource> {
        let id = try context.parameters.require("id")
        guard let row = try await provisioning.store.request(id: id) else {
            throw APIError(status: .notFound, code: "not_found", message: "There is no request \(id).")
        }
        return JSONResponse(value: try await resource(row))
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> JSONResponse<AppRequestResource> {
        let id = try context.parameters.require("id")
        let row: AppRequest
        do {
            switch try context.parameters.require("action") {
            case "retry": row = try await provisioning.retry(id, by: context.actor)
            case "cancel": row = try await provisioning.cancel(id, by: context.actor)
            case "pull-request": row = try await provisioning.openPullRequest(id, by: context.actor)
            default:
                throw APIError(
                    status: .notFound, code: "not_found", message: "Unknown action; use retry, cancel or pull-request.")
            }
        } catch let error as ProvisioningService.ActionError {
            throw APIError(error)
        }
        return JSONResponse(value: try await resource(row), status: .accepted)
    }

    // MARK: - Helpers

    private var defaultOwner: String {
        state.snapshot.catalog.entities.first { $0.ref.kind == "group" }?.ref.description ?? ""
    }

    /// Submits the input; the owner, when not given, is the catalog's first group.
    private func submit(_ input: AppRequestInput, source: String, autoPR: Bool, by user: Identity?) async throws
        -> AppRequest
    {
        var fields = input.fields
        if fields["owner"] == nil { fields["owner"] = defaultOwner }
        let result: Result<AppRequest, FieldErrors>
        do {
            result = try await provisioning.submit(
                fields, source: source, autoPR: autoPR, requestedBy: user?.name,
                context: await ValidationContext(snapshot: state.snapshot, store: provisioning.store, fields: fields))
        } catch let full as ProvisioningService.QueueFull {
            throw APIError(full)
        } catch let limit as ProvisioningService.UserLimitReached {
            throw APIError(limit)
        }
        return try result.mapError(APIError.init).get()
    }

    /// The whole request, with its history.
    private func resource(_ row: AppRequest) async throws -> AppRequestResource {
        AppRequestResource(
            row, events: try await provisioning.store.events(of: row.id),
            attempts: try await provisioning.store.attempts(of: row.id),
            follow: try await provisioning.store.follow(of: row.id))
    }
}

import Foundation
import Hummingbird
import Manifests
import Platform
import Provisioning
import Store

/// The JSON API: the seed-compatible `POST /generate/manifest` and `/api/v1/requests`.
/// Errors are `{"error": {"code", "message", "field"}}` with the matching status.
struct APIController<Context: RequestContext> {
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
    @Sendable func generateManifest(_ request: Request, context: Context) async throws -> Response {
        do {
            var fields = try await RequestBodies.jsonFields(request)
            if (fields["engine"] ?? "").isEmpty { fields["engine"] = AppSpec.Engine.ollama.rawValue }
            let created = try await submit(fields, source: "generate-manifest", autoPR: true)
            let settled = try await provisioning.waitUntilSettled(
                created.id, timeout: provisioning.settings.generationTimeout * 2 + 120)
            switch settled.status {
            case .prOpened:
                return JSONBody.response(
                    [
                        "pr_url": settled.prURL ?? "", "branch": settled.branch ?? "",
                        "manifest": settled.manifest ?? "",
                        "app_name": settled.appName, "request_id": settled.id,
                    ], to: request)
            case .rejected:
                let findings =
                    (settled.findingsJSON.flatMap {
                        try? JSONDecoder().decode([PolicyFinding].self, from: Data($0.utf8))
                    }) ?? []
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
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        do {
            let fields = try await RequestBodies.jsonFields(request)
            let autoPR = fields["auto_pr"].map { $0 == "true" } ?? provisioning.settings.autoPR
            let created = try await submit(fields, source: "api", autoPR: autoPR)
            return JSONBody.response(
                try representation(created), status: .accepted, headers: [.location: "/api/v1/requests/\(created.id)"],
                to: request)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let parameters = request.uri.queryParameters
        var status: RequestStatus?
        if let text = parameters.get("status") {
            guard let parsed = RequestStatus(rawValue: text) else {
                return try APIError(
                    status: .badRequest, code: "invalid_field", message: "Unknown status '\(text)'.", field: "status"
                )
                .response(from: request, context: context)
            }
            status = parsed
        }
        let number: Int
        do {
            number = try PageParameter.strict(parameters)
        } catch {
            return try error.response(from: request, context: context)
        }
        let query = RequestQuery(
            status: status, text: parameters.get("q"), requestedBy: RequestUser.mine(parameters), page: number)
        let page = try provisioning.store.list(query)
        return JSONBody.response(
            [
                "requests": page.requests.map { summary($0) }, "total": page.total, "page": page.page,
                "page_size": query.pageSize,
            ], to: request)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let row = try provisioning.store.request(id: id) else {
            return try APIError(status: .notFound, code: "not_found", message: "There is no request \(id).").response(
                from: request, context: context)
        }
        return JSONBody.response(try representation(row), to: request)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        do {
            let row: AppRequest
            switch try context.parameters.require("action") {
            case "retry": row = try await provisioning.retry(id, by: RequestUser.actor)
            case "cancel": row = try await provisioning.cancel(id, by: RequestUser.actor)
            case "pull-request": row = try await provisioning.openPullRequest(id, by: RequestUser.actor)
            default:
                throw APIError(
                    status: .notFound, code: "not_found", message: "Unknown action; use retry, cancel or pull-request.")
            }
            return JSONBody.response(try representation(row), status: .accepted, to: request)
        } catch let error as ProvisioningService.ActionError {
            let status: HTTPResponse.Status =
                switch error.code {
                case .notFound: .notFound
                case .forbidden: .forbidden
                case .conflict: .conflict
                case .invalid: .badRequest
                }
            return try APIError(status: status, code: error.code.rawValue, message: error.message)
                .response(from: request, context: context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        }
    }

    // MARK: - Helpers

    private var defaultOwner: String {
        state.snapshot.catalog.entities.first { $0.ref.kind == "group" }?.ref.description ?? ""
    }

    /// Submits the fields; the owner, when not given, is the catalog's first group.
    private func submit(_ given: [String: String], source: String, autoPR: Bool) async throws -> AppRequest {
        var fields = given
        if fields["owner"] == nil { fields["owner"] = defaultOwner }
        let result: Result<AppRequest, FieldErrors>
        do {
            result = try await provisioning.submit(
                fields, source: source, autoPR: autoPR, requestedBy: RequestUser.current?.name,
                context: ValidationContext(snapshot: state.snapshot, store: provisioning.store))
        } catch let full as ProvisioningService.QueueFull {
            throw APIError(
                status: .tooManyRequests, code: "queue_full",
                message: "\(full.limit) requests are already waiting or running; try again in \(full.retryAfter) s.",
                retryAfter: full.retryAfter)
        } catch let limit as ProvisioningService.UserLimitReached {
            throw APIError(
                status: .tooManyRequests, code: "user_limit", message: limit.message, retryAfter: limit.retryAfter)
        }
        switch result {
        case .success(let created): return created
        case .failure(let errors):
            let first = errors.messages.keys.sorted().first ?? ""
            throw APIError(
                status: .badRequest, code: "invalid_field", message: errors.messages[first] ?? "Invalid request.",
                field: first, fields: errors.messages)
        }
    }

    private func summary(_ row: AppRequest) -> [String: Any] {
        var object: [String: Any] = [
            "id": row.id, "app_name": row.appName, "status": row.status.rawValue, "engine": row.engine,
            "source": row.source,
            "auto_pr": row.autoPR, "created_at": Formats.time(row.createdAt), "updated_at": Formats.time(row.updatedAt),
            "url": "/api/v1/requests/\(row.id)", "page": "/requests/\(row.id)",
        ]
        let optional: [String: Any?] = [
            "model": row.model, "pr_url": row.prURL, "branch": row.branch, "failure_reason": row.failureReason,
            "finished_at": row.finishedAt.map(Formats.time), "requested_by": row.requestedBy,
        ]
        for (key, value) in optional { if let value { object[key] = value } }
        return object
    }

    private func representation(_ row: AppRequest) throws -> [String: Any] {
        var object = summary(row)
        object["spec"] = (try? JSONSerialization.jsonObject(with: Data(row.specJSON.utf8))) ?? [:]
        if let manifest = row.manifest { object["manifest"] = manifest }
        if let commit = row.commitSHA { object["commit"] = commit }
        if let number = row.prNumber { object["pr_number"] = number }
        if let findings = row.findingsJSON {
            object["findings"] = (try? JSONSerialization.jsonObject(with: Data(findings.utf8))) ?? []
        }
        object["events"] = try provisioning.store.events(of: row.id).map { event in
            var item: [String: Any] = [
                "at": Formats.time(event.at), "status": event.status.rawValue, "message": event.message,
            ]
            if let actor = event.actedBy { item["actor"] = actor }
            return item
        }
        object["attempts"] = try provisioning.store.attempts(of: row.id).map { attempt in
            var item: [String: Any] = [
                "number": attempt.number, "purpose": attempt.purpose, "engine": attempt.engine,
                "prompt": attempt.prompt, "raw_output": attempt.rawOutput,
            ]
            let optional: [String: Any?] = [
                "model": attempt.model, "error": attempt.error, "prompt_tokens": attempt.promptTokens,
                "output_tokens": attempt.outputTokens, "duration_ms": attempt.durationMilliseconds,
            ]
            for (key, value) in optional { if let value { item[key] = value } }
            return item
        }
        return object
    }
}

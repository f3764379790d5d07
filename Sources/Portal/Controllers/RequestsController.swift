import Foundation
import HTTPTypes
import Hummingbird
import Provisioning
import ServiceLifecycle
import SiteURL
import Store

/// `/requests`, `/requests/{id}`, its live feed, and the buttons on it.
struct RequestsController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let provisioning: ProvisioningService
    /// Argo CD's web address, for links from a request's path; nil when not configured.
    var argoURL: String? = nil
    /// How long a live feed stays silent before it sends a keep-alive comment (proxies close idle connections).
    var keepAlive: Duration = .seconds(15)

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/requests", use: list)
        routes.get("/requests/:id", use: show)
        routes.get("/requests/:id/events", use: events)
        routes.post("/requests/:id/:action", use: act)
        return routes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> HTMLPage {
        let parameters = request.uri.queryParameters
        let query = RequestQuery(
            status: parameters.get("status").flatMap(RequestStatus.init(rawValue:)),
            text: parameters.get("q").map { String($0.prefix(200)) }.flatMap { $0.isEmpty ? nil : $0 },
            requestedBy: context.mine(parameters),
            page: PageParameter.lenient(parameters)
        )
        let page = try await provisioning.store.list(query)
        let model = RequestListModel(
            page: page, query: query, mineAsked: parameters.get("mine") == "1", user: context.identity?.name)
        return pages.page(
            "requests", model, title: "Requests", section: .requests, snapshot: state.snapshot, user: context.identity,
            csrfToken: context.csrfToken)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> HTMLPage {
        try await page(of: try context.parameters.require("id"), context: context)
    }

    /// The request page; with a refused regenerate, the feedback as typed and the reason.
    private func page(
        of id: String, feedbackDraft: String = "", feedbackError: String? = nil, status: HTTPResponse.Status = .ok,
        context: Context
    ) async throws -> HTMLPage {
        guard let (row, events, attempts) = try await provisioning.store.history(of: id) else {
            throw HTTPError(.notFound, message: "There is no request \(id).")
        }
        var model = RequestPageModel(
            request: row, events: events, attempts: attempts, liveOutput: provisioning.feed.currentOutput(of: id)?.text)
        model.journey = RequestJourneyModel(
            request: row, follow: try await provisioning.store.follow(of: id), argoURL: argoURL,
            catalog: state.snapshot.catalog)
        model.feedbackDraft = feedbackDraft
        model.feedbackError = feedbackError
        model.retrying = try await provisioning.store.pendingRetry(of: id).map {
            "Pull request: \($0.retryingAt): \($0.reason)"
        }
        // Right after "Open pull request" the request still reads `ready` until its job starts:
        // without JavaScript, a page rendered then would not refresh, and never show the PR.
        let refresh = model.isLive ? true : await provisioning.runner.isWorking(on: id)
        return pages.page(
            "request", model, title: "Request \(row.appName)", section: .requests, snapshot: state.snapshot,
            user: context.identity, csrfToken: context.csrfToken,
            status: status, refresh: refresh)
    }

    /// Server-sent events: history events from the database and model tokens as they stream,
    /// resumable with `Last-Event-ID` (`e<event id>-a<attempt>-o<offset>`). The stream sleeps
    /// until the request changes (a committed change, or new output: `RequestWatch`), sends what
    /// is new, and ends when the request settles; while nothing changes it reads nothing.
    @Sendable func events(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await provisioning.store.request(id: id) != nil else {
            throw HTTPError(.notFound, message: "There is no request \(id).")
        }
        let start = LiveCursor(request.headers[.lastEventID] ?? request.uri.queryParameters.get("after"))
        let provisioning = provisioning
        let store = provisioning.store
        let feed = provisioning.feed
        let keepAlive = keepAlive
        let body = ResponseBody { writer in
            let watch = provisioning.watch(id)
            let timer = Task {
                while (try? await Task.sleep(for: keepAlive)) != nil { watch.ring() }
            }
            defer {
                timer.cancel()
                watch.finish()
            }
            var cursor = start
            var quietSince = ContinuousClock.now
            // On SIGTERM the server waits for open responses: end the feed so it can stop (the
            // browser reconnects to the next server with Last-Event-ID).
            try await withGracefulShutdownHandler {
                for await _ in watch.rings {
                    let change = watch.take()
                    var chunk = ""
                    if let progress = change.progress, progress.lastEventID > cursor.eventID {
                        for event in try await store.events(of: id, after: cursor.eventID) {
                            cursor.eventID = event.id ?? cursor.eventID
                            chunk += LiveCursor.status(event, cursor: cursor)
                        }
                    }
                    if change.output, let live = feed.currentOutput(of: id) {
                        if live.attempt != cursor.attempt {
                            cursor.attempt = live.attempt
                            cursor.offset = 0
                        }
                        if live.length > cursor.offset {
                            let text = String(live.text.dropFirst(cursor.offset))
                            cursor.offset = live.length
                            chunk += LiveCursor.token(text, attempt: live.attempt, cursor: cursor)
                        }
                    }
                    if let row = change.progress?.request, row.status.isFinal, !(row.status == .ready && row.autoPR) {
                        chunk += "event: done\ndata: {\"status\":\"\(row.status.rawValue)\"}\n\n"
                        try await writer.write(ByteBuffer(string: chunk))
                        return
                    }
                    if chunk.isEmpty, ContinuousClock.now - quietSince >= keepAlive {
                        chunk = ": keep-alive\n\n"
                    }
                    if !chunk.isEmpty {
                        try await writer.write(ByteBuffer(string: chunk))
                        quietSince = ContinuousClock.now
                    }
                }
            } onGracefulShutdown: {
                watch.finish()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// The buttons: retry, cancel, pull-request, regenerate. Each answers with the request page.
    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let action = try context.parameters.require("action")
        let form = try await RequestBodies.form(RequestActionForm.self, from: request)
        do {
            switch action {
            case "retry": _ = try await provisioning.retry(id, by: context.actor)
            case "cancel": _ = try await provisioning.cancel(id, by: context.actor)
            case "pull-request": _ = try await provisioning.openPullRequest(id, by: context.actor)
            case "regenerate":
                _ = try await provisioning.regenerate(id, feedback: form.feedback ?? "", by: context.actor)
            default: throw HTTPError(.notFound)
            }
        } catch let error as ProvisioningService.ActionError where error.code == .notFound {
            throw HTTPError(.notFound, message: error.message)
        } catch let error as ProvisioningService.ActionError where error.code == .forbidden {
            throw HTTPError(.forbidden, message: error.message)
        } catch let error as ProvisioningService.ActionError where error.code == .invalid {
            // The request page again, with the text as typed and why it was not sent.
            return try await page(
                of: id, feedbackDraft: form.feedback ?? "", feedbackError: error.message,
                status: .unprocessableContent, context: context
            )
            .response(from: request, context: context)
        } catch let error as ProvisioningService.ActionError {
            throw HTTPError(.conflict, message: error.message)
        }
        return Response(status: .seeOther, headers: [.location: SiteURL.request(id: id).path])
    }
}

/// Where a live page is in a request's feed, carried in the SSE `id`.
struct LiveCursor: Sendable {
    var eventID: Int64
    var attempt: Int
    var offset: Int

    init(_ text: String?) {
        eventID = 0
        attempt = 0
        offset = 0
        for part in (text ?? "").split(separator: "-") {
            switch part.first {
            case "e": eventID = Int64(part.dropFirst()) ?? 0
            case "a": attempt = Int(part.dropFirst()) ?? 0
            case "o": offset = Int(part.dropFirst()) ?? 0
            default: break
            }
        }
    }

    var id: String { "e\(eventID)-a\(attempt)-o\(offset)" }

    static func status(_ event: RequestEvent, cursor: LiveCursor) -> String {
        let payload: [String: String] = [
            "status": event.status.rawValue, "message": event.message, "at": Formats.time(event.at),
        ]
        return "id: \(cursor.id)\nevent: status\ndata: \(json(payload))\n\n"
    }

    static func token(_ text: String, attempt: Int, cursor: LiveCursor) -> String {
        "id: \(cursor.id)\nevent: token\ndata: \(json(["attempt": String(attempt), "text": text]))\n\n"
    }

    private static func json(_ object: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

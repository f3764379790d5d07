import Hummingbird
import Logging

/// Turns "not found" and unexpected errors into pages inside the layout, so a mistyped URL or a
/// bug still leaves the user with navigation and a clear message, and the layout still says who
/// is signed in.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            // The API's own answer, 5xx included (a failed or timed-out generation): it becomes
            // JSON in SecurityHeadersMiddleware, never a page.
            throw error
        } catch let error as HTTPError
            where (400..<500).contains(error.status.code) && APIPaths.contains(request.uri.path)
        {
            // A refusal before any API handler ran (the path guard, a body too large): the API's
            // JSON error, as its clients expect, with the same reason a page would give.
            var response = try APIError(
                status: error.status, code: Self.code(error.status), message: error.body ?? error.status.reasonPhrase
            )
            .response(from: request, context: context)
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as HTTPError where (400..<500).contains(error.status.code) {
            return try response(for: error, request: request, context: context)
        } catch let error as HTTPResponseError where error.status.code < 500 {
            throw error
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try page(
                status: .internalServerError, heading: "Something went wrong",
                message: "Homeport could not build this page. The error is in the server log.", request: request,
                context: context)
        }
    }

    /// The page for a refusal (a 4xx `HTTPError`), with the error's headers.
    func response(for error: HTTPError, request: Request, context: Context) throws -> Response {
        var response = try page(
            status: error.status, heading: Self.heading(error.status),
            message: error.body ?? Self.defaultMessage(error.status), request: request, context: context)
        response.headers.append(contentsOf: error.headers)
        return response
    }

    private static func heading(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "Page not found"
        case .unauthorized: "Sign-in needed"
        case .forbidden: "Not allowed"
        case .conflict: "Not possible now"
        case .contentTooLarge: "Too much sent"
        case .requestTimeout: "Sent too slowly"
        case .tooManyRequests: "Too many requests"
        default: "Not a valid request"
        }
    }

    /// `not_found`, `bad_request`…: the reason phrase as an API error code.
    private static func code(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter }).joined(separator: "_")
    }

    private static func defaultMessage(_ status: HTTPResponse.Status) -> String {
        status == .notFound ? "Nothing lives at this address." : status.reasonPhrase
    }

    private func page(status: HTTPResponse.Status, heading: String, message: String, request: Request, context: Context)
        throws -> Response
    {
        let snapshot = state.snapshot
        let model = StatusPageModel(heading: heading, message: message, path: request.uri.path)
        return try pages.page(
            "status", model, title: heading, section: .none, snapshot: snapshot, user: context.identity,
            csrfToken: context.csrfToken, status: status
        ).response(from: request, context: context)
    }
}

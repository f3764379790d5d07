import Hummingbird
import Logging

/// Turns "not found" and unexpected errors into pages inside the layout, so a mistyped URL or a
/// bug still leaves the user with navigation and a clear message.
struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let state: PlatformState
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return try page(status: .notFound, heading: "Page not found",
                            message: error.body ?? "Nothing lives at this address.", request: request, context: context)
        } catch let error as HTTPError where error.status == .unauthorized {
            var response = try page(status: .unauthorized, heading: "Sign-in needed", message: error.body ?? "", request: request, context: context)
            response.headers.append(contentsOf: error.headers)
            return response
        } catch let error as HTTPError where error.status == .forbidden || error.status == .conflict {
            return try page(status: error.status, heading: error.status == .forbidden ? "Not allowed" : "Not possible now",
                            message: error.body ?? "", request: request, context: context)
        } catch let error as HTTPResponseError where error.status.code < 500 {
            throw error
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try page(status: .internalServerError, heading: "Something went wrong",
                            message: "Homeport could not build this page. The error is in the server log.", request: request, context: context)
        }
    }

    private func page(status: HTTPResponse.Status, heading: String, message: String, request: Request, context: Context) throws -> Response {
        let snapshot = state.snapshot
        let model = StatusPageModel(heading: heading, message: message, path: request.uri.path)
        return try pages.page("status", model, title: heading, section: .none, snapshot: snapshot, status: status)
            .response(from: request, context: context)
    }
}

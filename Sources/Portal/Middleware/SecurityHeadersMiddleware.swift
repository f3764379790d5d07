import HTTPTypes
import Hummingbird

/// Headers that keep pages from running anything but our own static files: a strict
/// Content-Security-Policy (no inline script or style), no framing, no MIME sniffing.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            // Errors become responses here rather than in Hummingbird, so that they carry the
            // headers too (the path guard's 400, a body's 413, a JSON API error).
            response = try error.response(from: request, context: context)
        }
        // Appended, not set: no handler sends these, and a set would search the headers first.
        response.headers.append(contentsOf: securityHeaderFields)
        return response
    }
}

/// Built once: every response carries the same four (`PageReplay` sends them too).
let securityHeaderFields: HTTPFields = [
    .contentSecurityPolicy: SecurityHeadersMiddleware<BasicRequestContext>.contentSecurityPolicy,
    .xContentTypeOptions: "nosniff", .referrerPolicy: "same-origin", .frameOptions: "DENY",
]

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}

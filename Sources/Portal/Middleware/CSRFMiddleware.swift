import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Cross-site request forgery protection for the browser-facing forms.
///
/// A page with a form gives a browser that has none a per-browser token in a `SameSite=Strict`,
/// `HttpOnly` cookie; every form carries it back in a hidden `csrf_token` field (the
/// double-submit pattern). Pages without a form set no cookie, so they cost no token. A form post whose
/// field does not match its cookie, or whose `Origin`/`Referer` names another site, is refused.
/// JSON API calls must say `Content-Type: application/json`, which another site's form cannot
/// send without a CORS preflight that Homeport never grants.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    static var cookieName: String { "homeport_csrf" }
    static var fieldName: String { "csrf_token" }
    /// The portal is served over https (`server.public_url`): the cookie is then never sent over
    /// plain http, where anyone on the path could read it.
    var secureCookie = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // A forge's webhook carries no cookie and no form: its HMAC signature, checked by
        // WebhookController, is what no other site can forge.
        if WebhookPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        let existing = request.cookies[Self.cookieName].map(\.value).flatMap { Self.isWellFormed($0) ? $0 : nil }
        var request = request
        if request.method == .post {
            if let refusal = try checkOrigin(request) {
                return try refusal.response(from: request, context: context)
            }
            if APIPaths.contains(request.uri.path) {
                // JSON is the API's only way in, and a cross-site page cannot send it without a
                // preflight. Form routes get no such exemption: they check the token whatever the
                // body claims to be.
                guard Self.isJSON(request) else {
                    return try APIError(
                        status: .unsupportedMediaType, code: "unsupported_media_type",
                        message: "Send the body as JSON, with Content-Type: application/json."
                    ).response(from: request, context: context)
                }
            } else {
                let buffer = try await RequestBodies.buffer(request)
                let fields = RequestBodies.parseForm(String(buffer: buffer))
                guard let existing, let sent = fields[Self.fieldName], Self.constantTimeEquals(sent, existing) else {
                    throw HTTPError(
                        .forbidden,
                        message:
                            "This form has expired or came from another site. Go back, reload the page and send it again."
                    )
                }
                request.body = RequestBody(buffer: buffer)
            }
        }
        let token = CSRFToken(cookie: existing)
        var context = context
        context.csrfToken = token
        var response = try await next(request, context)
        if let issued = token.issued {
            response.headers.append(
                HTTPField(
                    name: .setCookie,
                    value:
                        "\(Self.cookieName)=\(issued); Path=/; HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"
                ))
        }
        return response
    }

    /// A post whose `Origin` (or, without one, `Referer`) names another host is refused: a JSON
    /// error for the API (returned), the error page for forms (thrown).
    private func checkOrigin(_ request: Request) throws -> APIError? {
        guard let host = request.head.authority else { return nil }
        let source = request.headers[.origin] ?? request.headers[.referer]
        guard let source, source != "null" else { return nil }
        let sameHost = URLComponents(string: source).map { components in
            "\(components.host ?? "")\(components.port.map { ":\($0)" } ?? "")" == host
        }
        guard sameHost != true else { return nil }
        if APIPaths.contains(request.uri.path) {
            return APIError(
                status: .forbidden, code: "cross_origin", message: "Requests from \(source) are not accepted.")
        }
        throw HTTPError(
            .forbidden,
            message: "This form came from another site (\(source)); Homeport accepts forms from its own pages only.")
    }

    private static func isJSON(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true
    }

    private static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 64 && token.allSatisfy(\.isHexDigit)
    }

    /// Compares without stopping at the first difference, so timing says nothing about the token.
    private static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let (a, b) = (Array(lhs.utf8), Array(rhs.utf8))
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A browser's CSRF token as one request holds it: the one its cookie sent, or, for a browser with
/// none yet, one made the first time a page puts it in a form. That new one must then be set as
/// the cookie (`issued`); a page without a form makes none.
final class CSRFToken: Sendable {
    private let token: Mutex<String?>
    private let fromCookie: Bool

    init(cookie: String?) {
        token = Mutex(cookie)
        fromCookie = cookie != nil
    }

    /// The token for a form, made on first use when the browser has none.
    var value: String {
        token.withLock { token in
            if let token { return token }
            let new = Self.newToken()
            token = new
            return new
        }
    }

    /// A token this request made, which the response must set as the cookie.
    var issued: String? {
        fromCookie ? nil : token.withLock { $0 }
    }

    /// 256 random bits as 64 hex digits.
    private static func newToken() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var random = SystemRandomNumberGenerator()
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for _ in 0..<4 {
            var word = random.next()
            for _ in 0..<16 {
                hex.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

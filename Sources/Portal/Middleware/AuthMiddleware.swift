import Auth
import HTTPTypes
import Hummingbird

/// Applies `auth.mode` (ADR 0004): finds who sends each request and refuses what needs a user
/// when there is none. Writing (any POST) always needs one unless the mode is `none`; reading
/// needs one when `auth.read_requires_user` is set. Health, metrics and static files stay open,
/// for probes, Prometheus and the sign-in page's stylesheet.
///
/// The user goes down the chain in `context.identity`. It runs before `ErrorPageMiddleware`, so
/// that error pages know who is signed in too, and renders its own refusals with it.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let authenticator: Authenticator
    let errorPages: ErrorPageMiddleware

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        // Webhooks prove themselves with their signature (WebhookController), not a user.
        if ["/healthz", "/readyz", "/metrics"].contains(path) || path.hasPrefix("/static/")
            || WebhookPaths.contains(path)
        {
            return try await next(request, context)
        }
        let outcome = authenticator.identify(
            headers: { name in HTTPField.Name(name).map { request.headers[values: $0] } ?? [] },
            peer: context.peerAddress)
        let isWrite = request.method != .get && request.method != .head
        switch outcome {
        case .user(let identity):
            var context = context
            context.identity = identity
            return try await next(request, context)
        case .invalidToken:
            return try refuse(
                request, context: context, code: "invalid_token",
                message: "This API token is unknown or has been revoked.")
        case .invalidIdentity(let reason):
            return try refuse(request, context: context, status: .badRequest, code: "invalid_identity", message: reason)
        case .anonymous where authenticator.allowsAnonymous(write: isWrite):
            return try await next(request, context)
        case .anonymous:
            let message =
                switch authenticator.mode {
                case .token: "Sign in with an API token: send Authorization: Bearer <token>."
                default: "Sign in first: open Homeport through its sign-in proxy."
                }
            return try refuse(request, context: context, code: "unauthenticated", message: message)
        }
    }

    /// 401 (or `status`): JSON for the API, the error page for browsers.
    private func refuse(
        _ request: Request, context: Context, status: HTTPResponse.Status = .unauthorized, code: String, message: String
    ) throws -> Response {
        guard APIPaths.contains(request.uri.path) else {
            return try errorPages.response(
                for: HTTPError(status, headers: challenge, message: message), request: request, context: context)
        }
        var response = try APIError(status: status, code: code, message: message).response(
            from: request, context: context)
        response.headers.append(contentsOf: challenge)
        return response
    }

    private var challenge: HTTPFields {
        authenticator.mode == .token ? [.wwwAuthenticate: "Bearer realm=\"homeport\""] : [:]
    }
}

import Auth
import HTTPTypes
import Hummingbird
import Provisioning

/// Applies `auth.mode` (ADR 0004): finds who sends each request and refuses what needs a user
/// when there is none. Writing (any POST) always needs one unless the mode is `none`; reading
/// needs one when `auth.read_requires_user` is set. Health, metrics and static files stay open,
/// for probes, Prometheus and the sign-in page's stylesheet.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = PortalRequestContext
    let authenticator: Authenticator

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
            return try await RequestUser.$current.withValue(identity) { try await next(request, context) }
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
            throw HTTPError(status, headers: challenge, message: message)
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

/// The signed-in user of the request being handled (nil: anonymous), for controllers and pages.
enum RequestUser {
    @TaskLocal static var current: Identity?

    /// The user as the new-app flow sees them when they act on a request.
    static var actor: RequestActor {
        current.map { RequestActor(name: $0.name, isAdmin: $0.isAdmin) } ?? .anonymous
    }

    /// The user whose requests `?mine=1` asks for; nil (everyone's) without it or without a user.
    static func mine(_ parameters: Parameters) -> String? {
        parameters.get("mine") == "1" ? current?.name : nil
    }
}

import Auth
import Foundation
import GitOps
import HTTPTypes
import Hummingbird
import Provisioning

/// The forges' signed `pull_request` webhooks: `POST /hooks/github` (`X-Hub-Signature-256:
/// sha256=<hex>`) and `POST /hooks/gitea` (`X-Gitea-Signature: <hex>`), each the HMAC-SHA256 of
/// the raw body under the secret of `gitops.webhook_secret_file`.
///
/// They need no user and no CSRF token, only the signature: a missing or wrong one is answered
/// 401 and changes nothing. Without a secret configured both answer 404, as if absent.
struct WebhookController<Context: RequestContext> {
    let follower: RequestFollower?
    let secret: [UInt8]?

    /// Largest delivery read; a `pull_request` payload is tens of KiB.
    static var maxBytes: Int { 1024 * 1024 }

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post(RouterPath(WebhookPaths.github)) { request, context in
            try await receive(request, context: context, forge: .github)
        }
        routes.post(RouterPath(WebhookPaths.gitea)) { request, context in
            try await receive(request, context: context, forge: .gitea)
        }
        return routes
    }

    enum Forge: String {
        case github, gitea

        var signatureHeader: HTTPField.Name {
            HTTPField.Name(self == .github ? "X-Hub-Signature-256" : "X-Gitea-Signature")!
        }
        var eventHeader: HTTPField.Name { HTTPField.Name(self == .github ? "X-GitHub-Event" : "X-Gitea-Event")! }

        /// The hex digest the header carries (GitHub prefixes it with `sha256=`).
        func signature(_ value: String) -> String? {
            guard self == .github else { return value }
            return value.hasPrefix("sha256=") ? String(value.dropFirst("sha256=".count)) : nil
        }
    }

    private func receive(_ request: Request, context: Context, forge: Forge) async throws -> Response {
        guard let follower, let secret else {
            throw APIError(status: .notFound, code: "not_found", message: "No webhook secret is configured.")
        }
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: Self.maxBytes))
        } catch {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large", message: "The delivery is larger than 1 MiB.")
        }
        guard let header = request.headers[forge.signatureHeader], let signature = forge.signature(header),
            HMAC.verify(hexSignature: signature, key: secret, message: body)
        else {
            follower.metrics.count(webhook: forge.rawValue, outcome: "bad_signature")
            throw APIError(
                status: .unauthorized, code: "bad_signature",
                message: "The delivery's \(forge.signatureHeader.rawName) is missing or does not match the secret.")
        }
        let event = request.headers[forge.eventHeader] ?? ""
        guard event == "pull_request" else {
            follower.metrics.count(webhook: forge.rawValue, outcome: "ignored")
            return JSONBody.response(
                ["ignored": "event \(event.isEmpty ? "(none)" : event)"], status: .accepted, to: request)
        }
        guard let delivery = try? JSONDecoder().decode(PullRequestDelivery.self, from: Data(body)) else {
            throw APIError(status: .badRequest, code: "invalid_payload", message: "This is not a pull_request payload.")
        }
        let branch = delivery.pullRequest.head.ref
        guard
            let followed = await follower.pullRequestChanged(
                branch: branch, state: delivery.pullRequest.current, source: "\(forge.rawValue) webhook")
        else {
            follower.metrics.count(webhook: forge.rawValue, outcome: "ignored")
            return JSONBody.response(
                ["ignored": "no followed request has branch \(branch)"], status: .accepted, to: request)
        }
        follower.metrics.count(webhook: forge.rawValue, outcome: "accepted")
        return JSONBody.response(["request": followed.id, "status": followed.status.rawValue], to: request)
    }
}

/// The body of a `pull_request` delivery, as GitHub and Gitea both send it (only what is read).
struct PullRequestDelivery: Decodable {
    var action: String?
    var pullRequest: ForgePullStatus

    private enum CodingKeys: String, CodingKey {
        case action
        case pullRequest = "pull_request"
    }
}

/// The webhook routes: signed, so exempt from sign-in and CSRF checks.
enum WebhookPaths {
    static let github = "/hooks/github"
    static let gitea = "/hooks/gitea"

    static func contains(_ path: String) -> Bool { path == github || path == gitea }
}

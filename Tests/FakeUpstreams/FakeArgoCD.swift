import Foundation
import Hummingbird

/// A fake Argo CD whose `GET /api/v1/applications` answers the recorded `ai-generated`
/// Application (`Tests/Fixtures/status/argocd-application-ai-generated.json`) with the app's
/// objects named and their health set by the test, as Argo CD reports them after a merge.
/// Demands `Bearer <token>` as the real one does.
public struct FakeArgoCD: Sendable {
    public let token: String
    /// The body `/api/v1/applications` answers.
    public let applications = Shared<[UInt8]>(Array(#"{"items": null}"#.utf8))
    /// Calls received.
    public let calls = Shared(0)

    public init(token: String = "argocd-token") {
        self.token = token
    }

    /// Argo CD lists `app`'s Service, Deployment and Ingress, all Synced, the Deployment with
    /// `health` (`Healthy`, `Progressing`, `Degraded`, `Missing`) and `message`.
    public func report(app: String, health: String, message: String = "") throws {
        let text = String(decoding: try statusFixture("argocd-application-ai-generated.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"APP\"", with: "\"\(app)\"")
            .replacingOccurrences(of: "HEALTH", with: health)
            .replacingOccurrences(of: "MESSAGE", with: message)
        applications.update { $0 = Array(text.utf8) }
    }

    public func application() -> some ApplicationProtocol {
        let (token, applications, calls) = (self.token, self.applications, self.calls)
        let router = Router()
        router.get("/api/v1/applications") { request, _ -> Response in
            calls.update { $0 += 1 }
            guard request.headers[.authorization] == "Bearer \(token)" else {
                return Response(
                    status: .unauthorized, headers: [.contentType: "application/json"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: #"{"error":"invalid session","code":16,"message":"invalid session"}"#)))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: applications.current)))
        }
        return Application(router: router, logger: quietLogger)
    }
}

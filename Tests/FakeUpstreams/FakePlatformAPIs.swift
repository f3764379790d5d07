import Foundation
import Hummingbird

/// A file of Tests/Fixtures/status: recorded answers of the Kubernetes API, Prometheus,
/// Alertmanager and Argo CD.
public func statusFixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: fixturesRoot + "/status/" + name)))
}

/// Fake Kubernetes API, Prometheus, Alertmanager and Argo CD on one real socket (their paths do not
/// overlap), replaying recorded answers. Kubernetes and Argo CD demand `Bearer <token>` as the real
/// ones do; `down` makes every call answer 503, as an API server behind a dead load balancer.
/// `/healthz` answers `ok` even then, for plain HTTP service checks.
public struct FakePlatformAPIs: Sendable {
    public let token: String
    public let down = Shared(false)
    /// Paths requested, in order.
    public let requests = Shared<[String]>([])

    public init(token: String = "test-token") {
        self.token = token
    }

    public func application() throws -> some ApplicationProtocol {
        let answers: [String: [UInt8]] = [
            "/api/v1/nodes": try statusFixture("k3s-nodes.json"),
            "/api/v1/pods": try statusFixture("k3s-pods.json"),
            "/apis/core.k8sgpt.ai/v1alpha1/results": try statusFixture("k8sgpt-results.json"),
            "/api/v2/alerts": try statusFixture("alertmanager-alerts.json"),
            "/api/v1/applications": try statusFixture("argocd-applications.json"),
        ]
        let cpu = try statusFixture("prometheus-node-cpu.json")
        let memory = try statusFixture("prometheus-node-memory.json")
        let needsToken: Set<String> = [
            "/api/v1/nodes", "/api/v1/pods", "/apis/core.k8sgpt.ai/v1alpha1/results", "/api/v1/applications",
        ]
        let (token, down, requests) = (self.token, self.down, self.requests)
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = request.uri.path
            requests.update { $0.append(request.uri.description) }
            // The service checked over plain HTTP stays up when the APIs go down.
            if path == "/healthz" {
                return Response(
                    status: .ok, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
            }
            if down.current {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: "no healthy upstream")))
            }
            if needsToken.contains(path), request.headers[.authorization] != "Bearer \(token)" {
                return json(
                    .unauthorized,
                    Array(
                        #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#
                            .utf8))
            }
            if path == "/api/v1/query" {
                let query = request.uri.queryParameters.get("query") ?? ""
                return json(.ok, query.contains("node_cpu_seconds_total") ? cpu : memory)
            }
            guard let body = answers[path] else {
                return json(
                    .notFound,
                    Array(
                        #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"#
                            .utf8))
            }
            return json(.ok, body)
        }
        return Application(router: router, logger: quietLogger)
    }

    private func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

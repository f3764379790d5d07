import FakeUpstreams
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Typed bodies: what the API and the forms accept, and why they refuse")
struct TypedAPITests {
    @Test(
        "a JSON body that cannot be used answers 400 with the code, the field and the decoder's reason",
        arguments: [
            (#"not json"#, "invalid_json", nil, "The body is not valid JSON: "),
            (#"{"app_name": "web""#, "invalid_json", nil, "The body is not valid JSON: "),
            (#"["web"]"#, "invalid_json", nil, "The body must be a JSON object."),
            (#"{"app_name": "web", "port": "80"}"#, "invalid_field", "port", "port: Expected to decode Int"),
            // Foundation calls these "not valid JSON" for the whole body; they are the field's error.
            (#"{"app_name": "web", "port": 80.5}"#, "invalid_field", "port", "port: "),
            (#"{"app_name": "web", "replicas": 1e30}"#, "invalid_field", "replicas", "replicas: "),
            (#"{"app_name": "web", "auto_pr": "yes"}"#, "invalid_field", "auto_pr", "auto_pr: Expected to decode Bool"),
            (#"{"app_name": "web", "env": {"MODE": 1}}"#, "invalid_field", "env", "env: Expected KEY=value lines"),
            (#"{"app_name": "web", "env": ["MODE=1"]}"#, "invalid_field", "env", "env: Expected KEY=value lines"),
        ] as [(String, String, String?, String)])
    func refusedJSON(_ body: String, _ code: String, _ field: String?, _ message: String) async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let error = try JSONDecoder().decode(APIError.Body.self, from: Data(buffer: response.body)).error
                #expect(error.code == code)
                #expect(error.field == field)
                #expect(error.message.hasPrefix(message), "\(error.message)")
                if message.hasSuffix(": ") {
                    #expect(error.message.count > message.count, "the reason follows: \(error.message)")
                }
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test("typed values reach the request as given: numbers, an env object as sorted lines, auto_pr")
    func typedValues() async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let body = ByteBuffer(
                string: #"""
                    {"app_name": "typed", "image": "nginx:1.27", "port": 8081, "replicas": 0,
                     "env": {"B": "two", "A": "one=1"}, "auto_pr": true, "unknown": [1, 2]}
                    """#)
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { response in
                #expect(response.status == .accepted, "\(String(buffer: response.body))")
                let object = json(response.body)
                let spec = try #require(object["spec"] as? [String: Any])
                #expect(spec["port"] as? Int == 8081)
                #expect(spec["replicas"] as? Int == 0)
                let environment = try #require(spec["environment"] as? [[String: String]])
                #expect(environment == [["name": "A", "value": "one=1"], ["name": "B", "value": "two"]])
                #expect(object["auto_pr"] as? Bool == true)
            }
        }
    }

    /// Sends a request head announcing 500 bytes, a few of them, and closes its sending side, as a
    /// client that gives up mid-upload does; answers what the server still says.
    private static func sendCutOff(port: Int, path: String, contentType: String) -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = LoopbackSocket.address(port: port)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let head =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(contentType)\r\nContent-Length: 500\r\n\r\n"
        let bytes = Array((head + #"{"app_name": "#).utf8)
        _ = send(descriptor, bytes, bytes.count, 0)
        shutdown(descriptor, Int32(SHUT_WR))
        var limit = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = recv(descriptor, &buffer, buffer.count, 0), count > 0 { answer += buffer[..<count] }
        return String(decoding: answer, as: UTF8.self)
    }

    @Test(
        "a body cut off mid-way is a 400 saying so, not a 413 'too large': JSON for the API, the page for forms",
        arguments: [
            ("/api/v1/requests", "application/json", #""code":"body_incomplete""#),
            ("/apps/new", "application/x-www-form-urlencoded", "The body ended before it was complete"),
        ])
    func cutOff(_ path: String, _ contentType: String, _ reason: String) async throws {
        let (_, state, provisioning) = try await portalWithProvisioning(startRunner: false)
        let router = try await buildRouter(state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
        let app = Application(router: router, server: httpServer(idleTimeoutSeconds: 30), logger: quietLogger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Blocking socket calls, off Swift's cooperative threads, which the server needs to answer.
            let answer = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: Self.sendCutOff(port: port, path: path, contentType: contentType))
                }
            }
            #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(answer.prefix(300))")
            #expect(answer.contains(reason), "\(answer.suffix(600))")
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test(
        "a form no page of ours sends is refused with what is wrong; a valid one is read",
        arguments: [
            (
                "text/plain", "app_name=web", HTTPResponse.Status.unsupportedMediaType,
                "application/x-www-form-urlencoded"
            ),
            ("application/x-www-form-urlencoded", "app_name=web&app_name=api", .badRequest, "duplicate keys"),
            ("application/x-www-form-urlencoded", "app_name%ZZ=web", .badRequest, "percent decode"),
            ("application/x-www-form-urlencoded", "app_name[x]=web", .badRequest, "The form could not be read"),
            (
                "application/x-www-form-urlencoded", "app_name=web&image=nginx%3A1.27&engine=template",
                .seeOther, nil
            ),
        ] as [(String, String, HTTPResponse.Status, String?)])
    func forms(_ contentType: String, _ body: String, _ status: HTTPResponse.Status, _ reason: String?) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            let owner = "owner=group%3Adefault%2Fplatform-team"
            try await client.execute(
                uri: "/apps/new", method: .post,
                headers: [.contentType: contentType, .cookie: "homeport_csrf=\(session.token)"],
                body: ByteBuffer(string: "csrf_token=\(session.token)&\(owner)&\(body)")
            ) { response in
                #expect(response.status == status, "\(String(buffer: response.body).prefix(400))")
                if let reason { #expect(String(buffer: response.body).contains(reason)) }
            }
        }
    }

    @Test(
        "a thrown API error is still JSON with the security headers, whatever its status",
        arguments: [
            ("/generate/manifest", #"{"app_name": "down", "prompt": "a web server"}"#, HTTPResponse.Status.badGateway),
            ("/api/v1/requests/nope/cancel", "{}", .notFound),
            ("/api/v1/requests", #"{"app_name": "Not A Name", "image": "nginx:1.27"}"#, .badRequest),
        ])
    func thrownErrors(_ path: String, _ body: String, _ status: HTTPResponse.Status) async throws {
        // Ollama is a closed port: generation fails, and /generate/manifest answers 502.
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == status)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(
                    response.headers[.contentSecurityPolicy]
                        == SecurityHeadersMiddleware<PortalRequestContext>.contentSecurityPolicy)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let error = try JSONDecoder().decode(APIError.Body.self, from: Data(buffer: response.body)).error
                #expect(!error.message.isEmpty)
            }
        }
    }
}

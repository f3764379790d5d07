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
            #expect(try provisioning.store.list(.init()).total == 0)
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

    /// A request whose body fails the way a connection reset does.
    private func requestCutOff(contentType: String) -> Request {
        struct ConnectionReset: Error, CustomStringConvertible {
            var description: String { "connection reset by peer" }
        }
        let body = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(string: #"{"app_name": "#))
            continuation.finish(throwing: ConnectionReset())
        }
        return Request(
            head: HTTPRequest(
                method: .post, scheme: "http", authority: "127.0.0.1", path: "/",
                headerFields: [.contentType: contentType]),
            body: RequestBody(asyncSequence: body))
    }

    @Test("a body cut off mid-way is a 400 saying so, with its cause, not a 413 'too large'")
    func cutOff() async throws {
        do {
            _ = try await RequestBodies.json(AppRequestInput.self, from: requestCutOff(contentType: "application/json"))
            Issue.record("a cut-off body was read")
        } catch let error as APIError {
            #expect(error.status == .badRequest)
            #expect(error.code == "body_incomplete")
            #expect(error.message.contains("connection reset by peer"), "\(error.message)")
        }
        let form = requestCutOff(contentType: "application/x-www-form-urlencoded")
        do {
            _ = try await RequestBodies.form(RequestActionForm.self, from: form)
            Issue.record("a cut-off form was read")
        } catch let error as HTTPError {
            #expect(error.status == .badRequest)
            #expect(error.body?.contains("connection reset by peer") == true, "\(error.body ?? "")")
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

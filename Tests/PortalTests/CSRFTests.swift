import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Cross-site request forgery")
struct CSRFTests {
    @Test(
        "pages without a form set no cookie: a token is made only for a page that puts it in a form",
        arguments: [
            "/", "/catalog", "/catalog/component/default/grafana", "/adr", "/search?q=grafana", "/no-such-page",
        ])
    func noCookieWithoutForm(_ path: String) async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.headers[.setCookie] == nil, "\(path)")
                #expect(!String(buffer: response.body).contains("csrf_token"), "\(path)")
            }
        }
    }

    @Test("a page with a form sets a strict, HttpOnly token cookie, and every form carries the token")
    func tokenInForms() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let (cookie, body) = try await client.execute(uri: "/apps/new", method: .get) {
                ($0.headers[.setCookie] ?? "", String(buffer: $0.body))
            }
            #expect(cookie.hasSuffix("; Path=/; HttpOnly; SameSite=Strict"))
            let token = String(cookie.split(separator: ";")[0].dropFirst("homeport_csrf=".count))
            #expect(token.count == 64)
            #expect(body.contains(#"<input type="hidden" name="csrf_token" value="\#(token)">"#))
            let errors = try await client.execute(
                uri: "/-/errors", method: .get, headers: [.cookie: "homeport_csrf=\(token)"]
            ) { response in
                #expect(response.headers[.setCookie] == nil, "a browser that has the cookie keeps it")
                return String(buffer: response.body)
            }
            #expect(
                errors.contains(
                    #"<form method="post" action="/-/reload"><input type="hidden" name="csrf_token" value="\#(token)">"#
                ))
        }
    }

    @Test(
        "a form post without the token, with another token, or from another site is refused with a page",
        arguments: [
            ("no token", "", [HTTPField.Name: String]()),
            ("wrong token", String(repeating: "b", count: 64), [:]),
            ("foreign origin", "SESSION", [.origin: "https://evil.example"]),
            ("foreign referer", "SESSION", [.referer: "https://evil.example/page"]),
        ] as [(String, String, [HTTPField.Name: String])])
    func refused(_ label: String, _ sent: String, _ extra: [HTTPField.Name: String]) async throws {
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            var headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "homeport_csrf=\(session.token)",
            ]
            for (name, value) in extra { headers[name] = value }
            let token = sent == "SESSION" ? session.token : sent
            let body = ByteBuffer(
                string: "app_name=web&owner=group%3Adefault%2Fplatform-team&image=nginx%3A1.27&csrf_token=\(token)")
            try await client.execute(uri: "/apps/new", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .forbidden, "\(label)")
                #expect(String(buffer: response.body).contains("<h1>Not allowed</h1>"))
            }
            #expect(try await provisioning.store.list(.init()).total == 0, "\(label): nothing was created")
        }
    }

    @Test("the same form from the portal's own origin is accepted")
    func sameOrigin() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            let body = ByteBuffer(
                string:
                    "app_name=web&owner=group%3Adefault%2Fplatform-team&image=nginx%3A1.27&csrf_token=\(session.token)")
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "homeport_csrf=\(session.token)",
                .origin: "http://localhost",
            ]
            try await client.execute(uri: "/apps/new", method: .post, headers: headers, body: body) {
                #expect($0.status == .seeOther)
            }
        }
    }

    @Test("the API takes JSON only, and not from another site's pages")
    func api() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let form = ByteBuffer(string: "app_name=web&image=nginx%3A1.27")
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: form
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(
                    (json(response.body)["error"] as? [String: Any])?["code"] as? String == "unsupported_media_type")
            }
            try await client.execute(
                uri: "/generate/manifest", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "{}")
            ) {
                #expect($0.status == .unsupportedMediaType)
            }
            let headers: HTTPFields = [.contentType: "application/json", .origin: "https://evil.example"]
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"app_name": "web"}"#)
            ) { response in
                #expect(response.status == .forbidden)
                #expect((json(response.body)["error"] as? [String: Any])?["code"] as? String == "cross_origin")
            }
        }
    }
}

import Auth
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

/// The findings of the outside security review (issue 10), one reproduction each; the hostile
/// corpus (`Tests/Fixtures/hostile-input/README.md`) maps them here.
@Suite("Security review reproductions")
struct SecurityReviewTests {
    private static let template = ByteBuffer(
        string: #"{"app_name": "web", "image": "nginx:1.27", "engine": "template"}"#)

    private static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
    }

    private static func tokens(admins: Set<String> = []) throws -> Authenticator {
        let hashes = ["alice", "bob", "root"].map { "\($0):\(SHA256.hex(Array("\($0)-secret".utf8)))" }.joined(
            separator: ",")
        return Authenticator(
            mode: .token, tokens: TokenStore(inline: try APITokens.parse(hashes), file: nil), admins: admins)
    }

    // MARK: 1. Numbers from a request

    static let queryNumbers: [String] = {
        let file = repositoryRoot + "/Tests/Fixtures/hostile-input/query-numbers.txt"
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") } + ["", "2"]
    }()

    @Test(
        "a page number past any integer's reach answers without trapping: the page clamps, the API explains",
        arguments: queryNumbers)
    func pageNumbers(_ page: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: Self.template
            ) {
                #expect($0.status == .accepted)
            }
            let listing = try await client.page("/requests?page=\(page)")
            #expect(listing.status == .ok)
            #expect(listing.body.contains("web"), "the only page is shown")
            try await client.execute(uri: "/api/v1/requests?page=\(page)", method: .get) { response in
                if let number = Int(page), (1...RequestQuery.maxPage).contains(number) {
                    #expect(response.status == .ok)
                } else if page.isEmpty {
                    #expect(response.status == .ok)
                } else {
                    #expect(response.status == .badRequest, "\(String(buffer: response.body))")
                    let error = Self.json(response)["error"] as? [String: Any]
                    #expect(error?["field"] as? String == "page")
                    #expect((error?["message"] as? String)?.contains("whole number from 1 to 1000000") == true)
                }
            }
        }
    }

    @Test(
        "the store clamps any page to the last one without overflowing", arguments: [Int.max, Int.min, 0, 2, 1_000_000])
    func storeClamps(_ page: Int) async throws {
        let (_, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        let listed = try await provisioning.store.list(RequestQuery(page: page, pageSize: Int.max))
        #expect(listed.page == 1)
        #expect(listed.total == 0)
    }

    // MARK: 4. CSRF on form routes whatever the body claims to be

    @Test(
        "form routes refuse a JSON body without the CSRF token",
        arguments: ["/-/reload", "/requests/abc123/cancel", "/apps/new"])
    func jsonOnFormRoutes(_ path: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .forbidden, "\(path): \(response.status)")
                #expect(String(buffer: response.body).contains("This form has expired or came from another site"))
            }
        }
    }

    // MARK: 5. Identity headers

    @Test(
        "a repeated user header, or a name with a format character, is refused with the reason and creates nothing",
        arguments: [
            [("X-Forwarded-User", "mallory"), ("X-Forwarded-User", "alice")],
            [("X-Forwarded-User", "al\u{202E}ecila")],
        ])
    func ambiguousProxyUser(_ headers: [(String, String)]) async throws {
        let authenticator = Authenticator(
            mode: .proxy, trustedProxies: [AddressRange("127.0.0.1")!, AddressRange("::1")!])
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: authenticator, startRunner: false)
        try await app.test(.live) { client in
            var fields: HTTPFields = [.contentType: "application/json"]
            for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            try await client.execute(uri: "/api/v1/requests", method: .post, headers: fields, body: Self.template) {
                response in
                #expect(response.status == .badRequest)
                #expect((Self.json(response)["error"] as? [String: Any])?["code"] as? String == "invalid_identity")
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    // MARK: 6. Who may act on a request

    @Test("only the requester or an admin may cancel, retry or open the PR of a request; every event names its actor")
    func actingOnOthersRequests() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(
            authenticator: try Self.tokens(admins: ["root"]), startRunner: false)
        try await app.test(.router) { client in
            func post(_ path: String, as user: String, body: ByteBuffer = ByteBuffer(string: "{}")) async throws
                -> TestResponse
            {
                try await client.execute(
                    uri: path, method: .post,
                    headers: [.contentType: "application/json", .authorization: "Bearer \(user)-secret"], body: body
                ) { $0 }
            }
            let created = try await post("/api/v1/requests", as: "alice", body: Self.template)
            let id = try #require(Self.json(created)["id"] as? String)
            for action in ["cancel", "retry", "pull-request"] {
                let refused = try await post("/api/v1/requests/\(id)/\(action)", as: "bob")
                #expect(refused.status == .forbidden, "\(action)")
                #expect((Self.json(refused)["error"] as? [String: Any])?["code"] as? String == "forbidden")
            }
            #expect(try await provisioning.store.request(id: id)?.status == .queued, "bob changed nothing")
            #expect(try await post("/api/v1/requests/\(id)/cancel", as: "alice").status == .accepted)
            #expect(
                try await post("/api/v1/requests/\(id)/retry", as: "root").status == .accepted,
                "an admin may act on anyone's request")
            let events = try await provisioning.store.events(of: id)
            #expect(events.map(\.actedBy) == ["alice", "alice", "root"])
            let api = try await client.execute(
                uri: "/api/v1/requests/\(id)", method: .get, headers: [.authorization: "Bearer bob-secret"]
            ) { Self.json($0) }
            #expect(
                (api["events"] as? [[String: Any]])?.compactMap { $0["actor"] as? String } == [
                    "alice", "alice", "root",
                ])
            let page = try await client.execute(
                uri: "/requests/\(id)", method: .get, headers: [.authorization: "Bearer bob-secret"]
            ) { String(buffer: $0.body) }
            #expect(page.contains("by root"))
        }
    }

    // MARK: 7. Headers on every response; the cookie over https

    @Test(
        "every response carries the security headers, errors included",
        arguments: [
            ("/static/%2e%2e/Package.swift", "GET"), ("/catalog/%00", "GET"), ("/no-such-page", "GET"),
            ("/api/v1/requests?page=x", "GET"),
            ("/apps/new", "POST-BIG"), ("/api/v1/requests", "POST-BIG"),
        ])
    func headersOnErrors(_ path: String, _ method: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            let big = ByteBuffer(
                string: "csrf_token=\(session.token)&prompt=" + String(repeating: "a", count: 70 * 1024))
            let response = try await client.execute(
                uri: path, method: method == "GET" ? .get : .post,
                headers: [
                    .contentType: path.hasPrefix("/api/") ? "application/json" : "application/x-www-form-urlencoded",
                    .cookie: "homeport_csrf=\(session.token)",
                ],
                body: method == "GET" ? nil : big
            ) { $0 }
            #expect(response.status.code >= 400, "\(path) \(response.status)")
            if method == "POST-BIG" { #expect(response.status == .contentTooLarge) }
            #expect(
                response.headers[.contentSecurityPolicy]
                    == SecurityHeadersMiddleware<PortalRequestContext>.contentSecurityPolicy, "\(path)")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
        }
    }

    @Test(
        "a refusal on an API path answers the API's JSON error, not a page",
        arguments: [
            "/api/v1/requests/%01/cancel", "/api/v1/requests/%C3%9A%1BoT/retry", "/api/v1/no-such-thing",
        ])
    func apiRefusalsAreJSON(_ path: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            try await client.execute(
                uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")
            ) { response in
                #expect((400..<500).contains(response.status.code), "\(path) \(response.status)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
                #expect((Self.json(response)["error"] as? [String: Any])?["message"] is String)
            }
        }
    }

    @Test("the CSRF cookie is Secure when the portal is served over https, and only then", arguments: [true, false])
    func secureCookie(_ https: Bool) async throws {
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false, startRunner: false)
        let router = try await buildRouter(
            state: try platformState(root: repositoryRoot + "/examples/homelab"), provisioning: provisioning,
            resourcesDirectory: repositoryRoot, secureCookies: https)
        try await Application(router: router, logger: quietLogger).test(.router) { client in
            let cookie = try await client.execute(uri: "/apps/new", method: .get) { $0.headers[.setCookie] ?? "" }
            #expect(cookie.contains("; Secure") == https, "\(cookie)")
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        }
    }

    // MARK: Limits say so instead of cutting

    @Test("feedback over its limit is refused with the reason and kept in the form; the request does not move")
    func feedbackOverLimit() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"app_name": "web", "engine": "ollama", "prompt": "a web server"}"#)
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) {
                try #require(Self.json($0)["id"] as? String)
            }
            // No Ollama listens: the request fails, and may then be regenerated.
            let failed = try await provisioning.waitUntilSettled(id, timeout: 60)
            #expect(failed.status == .failed)
            let events = try await provisioning.store.events(of: id).count
            let feedback = String(repeating: "b", count: 4_001)
            let session = try await BrowserSession(client)
            try await session.post(client, "/requests/\(id)/regenerate", ["feedback": feedback]) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .unprocessableContent)
                #expect(page.contains("Keep the feedback under 4000 characters; it has 4001. Nothing was sent."))
                #expect(page.contains(feedback), "the text as typed")
            }
            #expect(try await provisioning.store.request(id: id)?.status == .failed)
            #expect(try await provisioning.store.events(of: id).count == events)
        }
    }

    // MARK: 8. No assertion on page content

    @Test(
        "a search for the CSRF field's name answers, and pages with a form are never cached",
        arguments: ["csrf_token", "csrfToken", "homeport_csrf"])
    func searchForTheTokenName(_ text: String) async throws {
        let (app, state, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            for _ in 0..<2 {
                let page = try await client.page("/search?q=\(text)")
                #expect(page.status == .ok)
                #expect(page.body.contains(text))
            }
            let before = state.current.pageCache.usage.pages
            _ = try await client.page("/apps/new")
            #expect(state.current.pageCache.usage.pages == before, "the new-app form is not cached")
        }
    }
}

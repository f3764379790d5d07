import Auth
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

/// Tokens `ci-secret` (owner `ci`) and `ops-secret` (owner `ops`), by their hashes.
private func tokenAuthenticator(readRequiresUser: Bool = false) throws -> Authenticator {
    let hashes = "ci:\(SHA256.hex(Array("ci-secret".utf8))),ops:\(SHA256.hex(Array("ops-secret".utf8)))"
    return Authenticator(
        mode: .token, tokens: TokenStore(inline: try APITokens.parse(hashes), file: nil),
        readRequiresUser: readRequiresUser)
}

private let newAppJSON = ByteBuffer(string: #"{"app_name": "web", "image": "nginx:1.27", "engine": "template"}"#)

private func json(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
}

private func errorCode(_ response: TestResponse) -> String? {
    (json(response)["error"] as? [String: Any])?["code"] as? String
}

@Suite("Authentication: token mode")
struct TokenModeTests {
    @Test(
        "anonymous, spoofed-header and revoked-token writes are refused with 401 and create nothing",
        arguments: [
            ("anonymous", [HTTPField.Name: String]()),
            (
                "spoofed proxy header",
                [HTTPField.Name("X-Forwarded-User")!: "alice", HTTPField.Name("Remote-User")!: "alice"]
            ),
            ("unknown token", [.authorization: "Bearer not-a-token"]),
            ("a token's hash instead of the token", [.authorization: "Bearer \(SHA256.hex(Array("ci-secret".utf8)))"]),
        ] as [(String, [HTTPField.Name: String])])
    func refused(_ label: String, _ extra: [HTTPField.Name: String]) async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            var headers: HTTPFields = [.contentType: "application/json"]
            for (name, value) in extra { headers[name] = value }
            for path in ["/api/v1/requests", "/generate/manifest"] {
                try await client.execute(uri: path, method: .post, headers: headers, body: newAppJSON) { response in
                    #expect(response.status == .unauthorized, "\(label) \(path)")
                    #expect(
                        errorCode(response) == (extra[.authorization] == nil ? "unauthenticated" : "invalid_token"),
                        "\(label)")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"homeport\"")
                }
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test("a valid token is accepted and its owner is stored and shown as the requester")
    func accepted() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer ci-secret"], body: newAppJSON
            ) { response in
                #expect(response.status == .accepted)
                #expect(json(response)["requested_by"] as? String == "ci")
                return try #require(json(response)["id"] as? String)
            }
            #expect(try await provisioning.store.request(id: id)?.requestedBy == "ci")
            let page = try await client.page("/requests/\(id)")
            #expect(page.body.contains("by ci"))
            let list = try await client.page("/requests")
            #expect(list.body.contains("<td>ci</td>"))
        }
    }

    @Test("pages served from the page cache still name the user who asks, not the first one who asked")
    func cachedPagesNameTheirReader() async throws {
        let (app, _, _) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            for path in ["/", "/catalog", "/adr"] {
                for (token, name) in [("ci-secret", "ci"), ("ops-secret", "ops"), (nil, nil)] as [(String?, String?)] {
                    var headers: HTTPFields = [:]
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    try await client.execute(uri: path, method: .get, headers: headers) { response in
                        let body = String(buffer: response.body)
                        #expect(response.status == .ok)
                        if let name {
                            #expect(body.contains("Signed in as \(name)<"), "\(path) as \(name)")
                        } else {
                            #expect(!body.contains("Signed in as"), "\(path) anonymously")
                        }
                    }
                }
            }
        }
    }

    @Test(
        "error pages name the signed-in user too",
        arguments: [
            ("/no-such-page", HTTPResponse.Status.notFound), ("/catalog/component/default/no-such-entity", .notFound),
            ("/requests/no-such-request", .notFound), ("/catalog/..%2F..%2Fsecret", .badRequest),
        ])
    func errorPagesNameTheUser(_ path: String, _ status: HTTPResponse.Status) async throws {
        let (app, _, _) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer ops-secret"]) {
                response in
                #expect(response.status == status, "\(path)")
                #expect(String(buffer: response.body).contains("Signed in as ops<"), "\(path)")
            }
        }
    }

    @Test("the seed's POST /generate/manifest records the token's owner too")
    func generateManifestRecordsRequester() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"prompt": "deploy nginx on port 80", "app_name": "nginx-demo"}"#)
            try await client.execute(
                uri: "/generate/manifest", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer ops-secret"], body: body
            ) { response in
                #expect(response.status == .badGateway, "Ollama is down in this test: the request fails, but it exists")
            }
            let rows = try await provisioning.store.list(RequestQuery(requestedBy: "ops")).requests
            #expect(rows.map(\.appName) == ["nginx-demo"])
            #expect(rows.first?.source == "generate-manifest")
        }
    }

    @Test("browser forms need a user too: without one the form post gets the sign-in page")
    func formRefused() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            try await session.post(
                client, "/apps/new", ["app_name": "web", "owner": "group:default/platform-team", "image": "nginx:1.27"]
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("<h1>Sign-in needed</h1>"))
            }
            try await session.post(client, "/-/reload") { response in
                #expect(response.status == .unauthorized)
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test("reading is open unless auth.read_requires_user; health, metrics and static files always are")
    func reading() async throws {
        let (open, _, _) = try await portalWithProvisioning(authenticator: try tokenAuthenticator())
        try await open.test(.router) { client in
            let page = try await client.page("/catalog")
            #expect(page.status == .ok)
        }
        let (closed, _, _) = try await portalWithProvisioning(
            authenticator: try tokenAuthenticator(readRequiresUser: true))
        try await closed.test(.router) { client in
            let page = try await client.page("/catalog")
            #expect(page.status == .unauthorized)
            #expect(page.body.contains("Sign in with an API token"))
            try await client.execute(uri: "/api/v1/requests", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/v1/requests", method: .get, headers: [.authorization: "Bearer ops-secret"]
            ) { #expect($0.status == .ok) }
            for path in ["/healthz", "/readyz", "/metrics", "/static/homeport.css"] {
                let open = try await client.page(path)
                #expect(open.status == .ok, "\(path)")
            }
        }
    }

    @Test(
        "per-user limit: beyond jobs.per_user_limit active requests a user gets 429 with the reason; others still get in"
    )
    func perUserLimit() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(
            authenticator: try tokenAuthenticator(), perUserLimit: 2, startRunner: false)
        try await app.test(.router) { client in
            func submit(_ name: String, token: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/requests", method: .post,
                    headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
                    body: ByteBuffer(string: #"{"app_name": "\#(name)", "image": "nginx:1.27", "engine": "template"}"#)
                ) { $0 }
            }
            #expect(try await submit("one", token: "ci-secret").status == .accepted)
            #expect(try await submit("two", token: "ci-secret").status == .accepted)
            let third = try await submit("three", token: "ci-secret")
            #expect(third.status == .tooManyRequests)
            #expect(errorCode(third) == "user_limit")
            #expect(third.headers[.retryAfter] == "30")
            #expect(
                ((json(third)["error"] as? [String: Any])?["message"] as? String)?.contains(
                    "You (ci) already have 2 requests waiting or running") == true)
            #expect(try await submit("four", token: "ops-secret").status == .accepted)
            #expect(try await provisioning.store.activeCount(requestedBy: "ci") == 2)
        }
    }
}

@Suite("Authentication: proxy mode")
struct ProxyModeTests {
    /// A form post over a real socket (the peer is 127.0.0.1) with the proxy's user header.
    private func postForm(_ client: some TestClientProtocol, user: String, appName: String) async throws
        -> HTTPResponse.Status
    {
        let session = try await BrowserSession(client)
        let body =
            "app_name=\(appName)&owner=group%3Adefault%2Fplatform-team&image=nginx%3A1.27&engine=template&csrf_token=\(session.token)"
        return try await client.execute(
            uri: "/apps/new", method: .post,
            headers: [
                .contentType: "application/x-www-form-urlencoded", .cookie: "homeport_csrf=\(session.token)",
                HTTPField.Name("X-Forwarded-User")!: user, HTTPField.Name("X-Forwarded-Email")!: "\(user)@home.lab",
            ], body: ByteBuffer(string: body)
        ) { $0.status }
    }

    @Test("user headers from the trusted proxy sign the user in: stored, shown, and /requests?mine=1 lists only theirs")
    func trusted() async throws {
        let authenticator = Authenticator(
            mode: .proxy, trustedProxies: [AddressRange("127.0.0.1")!, AddressRange("::1")!])
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: authenticator, startRunner: false)
        try await app.test(.live) { client in
            #expect(try await postForm(client, user: "alice", appName: "alice-app") == .seeOther)
            #expect(try await postForm(client, user: "bob", appName: "bob-app") == .seeOther)
            let rows = try await provisioning.store.list(.init()).requests
            #expect(Set(rows.map { "\($0.appName)=\($0.requestedBy ?? "")" }) == ["alice-app=alice", "bob-app=bob"])
            let mine = try await client.execute(
                uri: "/requests?mine=1", method: .get, headers: [HTTPField.Name("X-Forwarded-User")!: "alice"]
            ) {
                String(buffer: $0.body)
            }
            #expect(mine.contains("alice-app"))
            #expect(!mine.contains("bob-app"))
            #expect(mine.contains("Signed in as alice"))
            #expect(mine.contains(#"name="mine" value="1" checked"#))
            let everyone = try await client.page("/requests?mine=1")
            #expect(everyone.body.contains("bob-app") && everyone.body.contains("nobody is signed in"))
        }
    }

    @Test("the same headers from an untrusted address are ignored: the write is refused")
    func untrusted() async throws {
        let authenticator = Authenticator(mode: .proxy, trustedProxies: [AddressRange("10.0.0.0/8")!])
        let (app, _, provisioning) = try await portalWithProvisioning(authenticator: authenticator, startRunner: false)
        try await app.test(.live) { client in
            #expect(try await postForm(client, user: "alice", appName: "spoofed") == .unauthorized)
            let api = try await client.execute(
                uri: "/api/v1/requests", method: .post,
                headers: [
                    .contentType: "application/json", HTTPField.Name("X-Forwarded-User")!: "alice",
                ], body: newAppJSON
            ) { $0 }
            #expect(api.status == .unauthorized)
            #expect(errorCode(api) == "unauthenticated")
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }
}

@Suite("Authentication: none")
struct NoAuthModeTests {
    @Test("without a mode, writes are anonymous: proxy headers and bearer tokens mean nothing and are not recorded")
    func anonymous() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/requests", method: .post,
                headers: [
                    .contentType: "application/json", HTTPField.Name("X-Forwarded-User")!: "mallory",
                    .authorization: "Bearer whatever",
                ], body: newAppJSON
            ) { response in
                #expect(response.status == .accepted)
            }
            let row = try #require(try await provisioning.store.list(.init()).requests.first)
            #expect(row.requestedBy == nil)
            let page = try await client.page("/requests/\(row.id)")
            #expect(page.body.contains("by anonymous"))
        }
    }
}

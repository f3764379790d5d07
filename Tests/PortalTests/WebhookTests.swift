import Auth
import Foundation
import GitOps
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Provisioning
import RequestValues
import Store
import Testing

@testable import Portal

/// `POST /hooks/github` and `/hooks/gitea`: a correctly signed `pull_request` delivery moves the
/// request at once; anything else is refused and changes nothing.
@Suite("Forge webhooks")
struct WebhookTests {
    static let secret = "s3cr3t-for-webhooks"

    @Test("a merged pull request signed with the secret moves the request to merged at once, without CSRF or user")
    func signedMerge() async throws {
        for forge in [Forge.github, .gitea] {
            let (app, store, id) = try await portal(secret: Self.secret, authenticator: tokenMode())
            try await app.test(.router) { client in
                let body = forge.delivery(action: "closed", merged: true, branch: "homeport/web-0123abcd")
                try await client.execute(
                    uri: forge.path, method: .post, headers: forge.headers(body, secret: Self.secret), body: body
                ) { response in
                    #expect(response.status == .ok, "\(forge)")
                    #expect(response.headers[.setCookie] == nil, "no CSRF cookie for a forge")
                }
            }
            let history = try #require(try await store.history(of: id))
            #expect(history.request.status == .merged, "\(forge)")
            #expect(history.events.last?.source == "\(forge.rawValue) webhook")
            #expect(try await store.follow(of: id)?.mergeCommit == "6dcb09b5b57875f334f61aebed695e2e4193db5e")
        }
    }

    @Test(
        "a missing signature, a wrong one, or a body signed with another secret is refused with 401 and changes nothing",
        arguments: ["missing", "wrong", "other secret", "tampered body"])
    func refused(_ case: String) async throws {
        for forge in [Forge.github, .gitea] {
            let (app, store, id) = try await portal(secret: Self.secret)
            try await app.test(.router) { client in
                let body = forge.delivery(action: "closed", merged: true, branch: "homeport/web-0123abcd")
                var headers: HTTPFields
                var sent = body
                switch `case` {
                case "missing": headers = forge.headers(body, secret: Self.secret, signed: false)
                case "wrong":
                    headers = forge.headers(body, secret: Self.secret)
                    headers[forge.signatureHeader] = forge.format(String(repeating: "0", count: 64))
                case "other secret": headers = forge.headers(body, secret: "another-secret")
                default:
                    headers = forge.headers(body, secret: Self.secret)
                    sent = forge.delivery(action: "closed", merged: false, branch: "homeport/web-0123abcd")
                }
                try await client.execute(uri: forge.path, method: .post, headers: headers, body: sent) { response in
                    #expect(response.status == .unauthorized, "\(forge) \(`case`)")
                    #expect(String(buffer: response.body).contains("bad_signature"))
                }
            }
            let history = try #require(try await store.history(of: id))
            #expect(history.request.status == .prOpened, "\(forge) \(`case`)")
            #expect(history.events.count == 2)
        }
    }

    @Test("without a secret configured both hooks answer 404")
    func noSecret() async throws {
        let (app, _, _) = try await portal(secret: nil)
        try await app.test(.router) { client in
            for forge in [Forge.github, .gitea] {
                let body = forge.delivery(action: "closed", merged: true, branch: "homeport/web-0123abcd")
                try await client.execute(
                    uri: forge.path, method: .post, headers: forge.headers(body, secret: Self.secret), body: body
                ) { response in
                    #expect(response.status == .notFound)
                }
            }
        }
    }

    @Test("closed unmerged → closed (the name is free), reopened → pr_opened, through signed deliveries")
    func closedAndReopened() async throws {
        let (app, store, id) = try await portal(secret: Self.secret)
        try await app.test(.router) { client in
            let forge = Forge.github
            let closed = forge.delivery(action: "closed", merged: false, branch: "homeport/web-0123abcd")
            try await client.execute(
                uri: forge.path, method: .post, headers: forge.headers(closed, secret: Self.secret), body: closed
            ) { #expect($0.status == .ok) }
            #expect(try await store.request(id: id)?.status == .closed)
            #expect(try await store.holder(ofApp: "web") == nil)
            // Before the follower, the name stayed taken and this was refused.
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"app_name": "web", "image": "nginx:1.27", "engine": "template"}"#)
            ) { #expect($0.status == .accepted) }
            let reopened = forge.delivery(
                action: "reopened", merged: false, branch: "homeport/web-0123abcd", open: true)
            try await client.execute(
                uri: forge.path, method: .post, headers: forge.headers(reopened, secret: Self.secret), body: reopened
            ) { #expect($0.status == .ok) }
            #expect(try await store.request(id: id)?.status == .prOpened)
        }
    }

    @Test("HMAC-SHA256 matches RFC 4231 test case 2")
    func hmacVector() {
        let digest = HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(
            digest.map { String(format: "%02x", $0) }.joined()
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    // MARK: - Helpers

    enum Forge: String {
        case github, gitea

        var path: String { "/hooks/\(rawValue)" }
        var signatureHeader: HTTPField.Name {
            HTTPField.Name(self == .github ? "X-Hub-Signature-256" : "X-Gitea-Signature")!
        }

        func format(_ hex: String) -> String { self == .github ? "sha256=\(hex)" : hex }

        func headers(_ body: ByteBuffer, secret: String, signed: Bool = true) -> HTTPFields {
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[HTTPField.Name(self == .github ? "X-GitHub-Event" : "X-Gitea-Event")!] = "pull_request"
            if signed {
                let digest = HMAC.sha256(key: Array(secret.utf8), message: Array(buffer: body))
                headers[signatureHeader] = format(digest.map { String(format: "%02x", $0) }.joined())
            }
            return headers
        }

        /// A `pull_request` delivery whose `pull_request` is the recorded merged or closed answer.
        func delivery(action: String, merged: Bool, branch: String, open: Bool = false) -> ByteBuffer {
            let path = "\(repositoryRoot)/Tests/Fixtures/\(rawValue)/pull-request-\(merged ? "merged" : "closed").json"
            var pull =
                (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))))
                as? [String: Any] ?? [:]
            var head = pull["head"] as? [String: Any] ?? [:]
            head["ref"] = branch
            pull["head"] = head
            pull["number"] = 1347
            if open {
                pull["state"] = "open"
                pull["merged"] = false
                pull["closed_at"] = NSNull()
            }
            let delivery: [String: Any] = [
                "action": action, "number": 1347, "pull_request": pull,
                "repository": ["full_name": "homelab/platform"], "sender": ["login": "reviewer"],
            ]
            return ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: delivery)) ?? Data())
        }
    }

    func tokenMode() -> Authenticator {
        Authenticator(mode: .token, readRequiresUser: true)
    }

    /// The portal with a follower and one request whose pull request is open on branch `homeport/web-0123abcd`.
    func portal(secret: String?, authenticator: Authenticator = .anonymous) async throws -> (
        Application<RouterResponder<PortalRequestContext>>, RequestStore, String
    ) {
        let state = try platformState(root: repositoryRoot + "/examples/homelab")
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false, startRunner: false)
        let store = provisioning.store
        let id = "0123abcd4567"
        _ = try await store.create(
            AppRequest(
                id: id, appName: "web", engine: "template", model: nil, source: "api",
                spec: AppSpec(name: "web", owner: "group:default/platform-team", image: "nginx:1.27"), autoPR: true,
                requestedBy: nil, at: Date()), message: "Request received", actedBy: "test")
        try await store.transition(id, to: .prOpened, message: "Pull request opened") { row in
            row.branch = "homeport/web-0123abcd"
            row.prNumber = 1347
            row.prURL = "https://github.com/homelab/platform/pull/1347"
        }
        let follower = RequestFollower(
            store: store, provider: RecordingGitProvider(), argocd: nil, settings: FollowSettings(),
            logger: quietLogger)
        let router = try await buildRouter(
            state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot, authenticator: authenticator,
            follower: follower, webhookSecret: secret.map { Array($0.utf8) })
        return (Application(router: router, logger: quietLogger), store, id)
    }
}

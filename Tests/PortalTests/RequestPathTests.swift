import Foundation
import Hummingbird
import HummingbirdTesting
import Provisioning
import RequestValues
import Store
import Testing

@testable import Portal

/// What a user sees of a request after its pull request: the path on its page, the filter of
/// `/requests` and the overview's counts.
@Suite("A request's path after its pull request")
struct RequestPathTests {
    @Test("a merged request's page shows drafted → pull request → merged → live with its links")
    func mergedPage() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        let store = provisioning.store
        let id = try await opened(store, app: "web")
        var follow = RequestFollow(requestID: id)
        follow.mergeCommit = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
        follow.mergedAt = Date()
        try await store.record(
            id, from: [.prOpened], to: .merged, message: "Pull request merged as 6dcb09b5b578; waiting for Argo CD",
            source: "github webhook", follow: follow)
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/requests/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains(#"<h2 id="path-heading">Path</h2>"#))
            #expect(page.contains(#"href="https://github.com/homelab/platform/pull/1347""#))
            #expect(
                page.contains(
                    #"href="https://github.com/homelab/platform/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e""#))
            #expect(page.contains("from github webhook"))
            #expect(
                page.components(separatedBy: #"<span class="actor">from "#).count == 2,
                "only the webhook's event says where it came from, not the job runner's steps")
            #expect(page.contains(#"<span class="badge status-proposed">current</span> Live"#))

            let merged = try await client.execute(uri: "/requests?status=merged", method: .get) {
                String(buffer: $0.body)
            }
            #expect(merged.contains("/requests/\(id)"))
            let deployed = try await client.execute(uri: "/requests?status=deployed", method: .get) {
                String(buffer: $0.body)
            }
            #expect(!deployed.contains("/requests/\(id)"))

            let overview = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(overview.contains(#"<a href="/requests?status=merged"><span class="count">1</span> merged</a>"#))
            #expect(
                overview.contains(#"<a href="/requests?status=pr_opened"><span class="count">0</span> in review</a>"#))
        }
    }

    @Test("the API lists the new states and carries the merge commit and each event's source")
    func api() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        let store = provisioning.store
        let id = try await opened(store, app: "web")
        var follow = RequestFollow(requestID: id)
        follow.mergeCommit = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
        try await store.record(
            id, from: [.prOpened], to: .merged, message: "merged", source: "github poll", follow: follow)
        try await app.test(.router) { client in
            let body = try await client.execute(uri: "/api/v1/requests/\(id)", method: .get) { Data(buffer: $0.body) }
            let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(object["status"] as? String == "merged")
            #expect(object["merge_commit"] as? String == "6dcb09b5b57875f334f61aebed695e2e4193db5e")
            let events = try #require(object["events"] as? [[String: Any]])
            #expect(events.last?["source"] as? String == "github poll")
            try await client.execute(uri: "/api/v1/requests?status=merged", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(id))
            }
        }
    }

    @Test("a local repository's pull request reads as plain text in the request list and on the request page")
    func localPullRequestIsText() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        let local = "/srv/platform.git#homeport/web-0123abcd"
        let id = try await opened(provisioning.store, app: "web", prURL: local)
        try await app.test(.router) { client in
            let list = try await client.execute(uri: "/requests", method: .get) { String(buffer: $0.body) }
            #expect(list.contains("<code>\(local)</code>"))
            #expect(!list.contains(">\(local)</a>"), "not a link: no browser opens it")
            let page = try await client.execute(uri: "/requests/\(id)", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("<code>\(local)</code> (local repository)"))
        }
    }

    private func opened(
        _ store: RequestStore, app: String, prURL: String = "https://github.com/homelab/platform/pull/1347"
    ) async throws -> String {
        let id = "0123abcd4567"
        _ = try await store.create(
            AppRequest(
                id: id, appName: app, engine: "template", model: nil, source: "api",
                spec: AppSpec(name: app, owner: "group:default/platform-team", image: "nginx:1.27"), autoPR: true,
                requestedBy: nil, at: Date()), message: "Request received", actedBy: "test")
        try await store.transition(id, to: .prOpened, message: "Pull request opened") { row in
            row.manifest = "kind: Deployment\nmetadata:\n  name: \(app)\n"
            row.branch = "homeport/\(app)-0123abcd"
            row.prNumber = 1347
            row.prURL = prURL
        }
        return id
    }
}

import FakeUpstreams
import Foundation
import GitOps
import Hummingbird
import HummingbirdTesting
import Provisioning
import Store
import Testing

@testable import Portal

func json(_ body: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
}

/// Waits until the request's JSON status is one of `statuses`, for at most a minute (a loaded machine is slow).
func waitForStatus(_ client: some TestClientProtocol, _ id: String, _ statuses: Set<String>) async throws -> [String:
    Any]
{
    for _ in 0..<3000 {
        let body = try await client.execute(uri: "/api/v1/requests/\(id)", method: .get) { json($0.body) }
        if statuses.contains(body["status"] as? String ?? "") { return body }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await client.execute(uri: "/api/v1/requests/\(id)", method: .get) { json($0.body) }
}

@Suite("New app form and request pages")
struct NewAppPagesTests {
    let form = [
        "app_name": "web", "owner": "group:default/platform-team", "image": "ghcr.io/homelab/web:1.2.0",
        "engine": "template",
        "prompt": "Serve the team's <site>",
    ]

    @Test("the form lists the catalog's groups and says when Ollama is down")
    func formPage() async throws {
        let (app, _, _) = try await portalWithProvisioning(
            monitor: try await monitorAfterOnePoll(ollamaURL: "http://127.0.0.1:9"))
        try await app.test(.router) { client in
            let page = try await client.page("/apps/new")
            #expect(page.status == .ok)
            #expect(page.body.contains(#"<option value="group:default/platform-team" selected>Platform Team</option>"#))
            #expect(page.body.contains("Ollama does not answer"))
            #expect(page.body.contains(#"<a href="/apps/new" aria-current="page">New app</a>"#))
        }
    }

    @Test("the form shows Ollama's models when it answers")
    func ollamaUp() async throws {
        try await FakeOllama(.replay("chat-stream-deployment.ndjson")).application().test(.live) { fake in
            let url = "http://127.0.0.1:\(try #require(fake.port))"
            let (app, _, _) = try await portalWithProvisioning(
                ollamaURL: url, monitor: try await monitorAfterOnePoll(ollamaURL: url))
            try await app.test(.router) { client in
                let page = try await client.page("/apps/new")
                #expect(page.body.contains("Ollama answers; models: qwen2.5-coder:0.5b, llama3.2:1b."))
                #expect(page.body.contains("The configured model qwen2.5-coder:7b is not pulled"))
            }
        }
    }

    @Test("a bad form comes back with every message next to its field and the input kept, escaped")
    func invalidForm() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            var fields = form
            fields["app_name"] = "Web App"
            fields["port"] = "99999"
            fields["env"] = "SECRET_TOKEN=x"
            let session = try await BrowserSession(client)
            try await session.post(client, "/apps/new", fields) { response in
                #expect(response.status == .unprocessableContent)
                let body = String(buffer: response.body)
                #expect(body.contains(#"value="Web App""#))
                #expect(body.contains(#"<p class="field-error" id="app_name-error">"#))
                #expect(body.contains(#"aria-describedby="port-error""#))
                #expect(body.contains("looks like a secret"))
                #expect(body.contains("Serve the team&#39;s &lt;site&gt;</textarea>"))
                #expect(body.contains("3 field(s) need attention"))
            }
            #expect(try await provisioning.store.list(RequestQuery()).total == 0)
        }
    }

    @Test("text past a field's limit is refused with a message and kept, never cut by the browser")
    func overLimit() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let page = try await client.page("/apps/new")
            #expect(!page.body.contains("maxlength=\"500\""))
            #expect(page.body.contains("At most 500 characters."))
            var fields = form
            fields["description"] = String(repeating: "d", count: 501)
            let session = try await BrowserSession(client)
            try await session.post(client, "/apps/new", fields) { response in
                #expect(response.status == .unprocessableContent)
                let body = String(buffer: response.body)
                #expect(body.contains("Keep the description under 500 characters."))
                #expect(body.contains(#"value="\#(String(repeating: "d", count: 501))""#))
            }
        }
    }

    @Test("a good form redirects to its request, which shows the preview, the timeline and the buttons")
    func validForm() async throws {
        let provider = RecordingGitProvider()
        let (app, _, provisioning) = try await portalWithProvisioning(provider: provider)
        try await app.test(.router) { client in
            let session = try await BrowserSession(client)
            let location = try await session.post(client, "/apps/new", form) { response in
                #expect(response.status == .seeOther)
                return response.headers[.location] ?? ""
            }
            let id = String(location.split(separator: "/").last ?? "")
            _ = try await waitForStatus(client, id, ["ready"])
            let page = try await client.page(location)
            #expect(page.body.contains(#"<span class="badge status-accepted">ready</span>"#))
            #expect(page.body.contains("Preview: Manifests"))
            #expect(page.body.contains("kind: Deployment"))
            #expect(page.body.contains("Open pull request"))
            #expect(page.body.contains("Manifests passed the policy"))
            // Feedback would change nothing for the template engine: the box is not offered, the page says why.
            #expect(!page.body.contains("Regenerate with feedback"))
            #expect(page.body.contains("feedback would change nothing"))
            // The template engine counts no tokens: the attempt shows its duration and no empty count.
            #expect(page.body.contains(/Attempt 1 \(draft\) · template · \d+\.\d s<\/summary>/))
            // The name is taken now: the form says by which request, and links it.
            try await session.post(client, "/apps/new", form) { response in
                #expect(response.status == .unprocessableContent)
                #expect(
                    String(buffer: response.body).contains(
                        #"is already open for web. <a href="/requests/\#(id)">See request \#(id)</a></p>"#))
            }
            try await session.post(client, "\(location)/pull-request") { #expect($0.status == .seeOther) }
            _ = try await waitForStatus(client, id, ["pr_opened"])
            #expect(provider.received.count == 1)
            let list = try await client.page("/requests?status=pr_opened")
            #expect(list.body.contains(#"<a href="/requests/\#(id)">web</a>"#))
            #expect(list.body.contains("https://git.example/pulls/1"))
            #expect(!(try await client.page("/requests?status=failed").body.contains(id)))
            // A finished request has nothing left to cancel.
            try await session.post(client, "\(location)/cancel") { #expect($0.status == .conflict) }
            _ = provisioning
        }
    }

    @Test("the live feed streams the history and ends when the request settles; Last-Event-ID resumes")
    func liveFeed() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let id = try await BrowserSession(client).post(client, "/apps/new", form) {
                String(($0.headers[.location] ?? "").split(separator: "/").last ?? "")
            }
            _ = try await waitForStatus(client, id, ["ready"])
            let stream = try await client.execute(uri: "/requests/\(id)/events", method: .get) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                return String(buffer: response.body)
            }
            #expect(stream.components(separatedBy: "event: status").count - 1 == 4)
            #expect(stream.contains("\"message\":\"Request received (form, template engine)\""))
            #expect(stream.hasSuffix("event: done\ndata: {\"status\":\"ready\"}\n\n"))
            let events = try await provisioning.store.events(of: id)
            let resumed = try await client.execute(
                uri: "/requests/\(id)/events", method: .get, headers: [.lastEventID: "e\(events[1].id!)-a0-o0"]
            ) {
                String(buffer: $0.body)
            }
            #expect(resumed.components(separatedBy: "event: status").count - 1 == 2)
            #expect(!resumed.contains("Request received"))
        }
    }
}

@Suite("The JSON API")
struct APIRoutesTests {
    @Test("POST /api/v1/requests queues, GET lists and shows, actions answer by state")
    func requests() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let body = ByteBuffer(
                string:
                    #"{"app_name": "api-web", "image": "nginx:1.27", "engine": "template", "replicas": 2, "env": {"MODE": "demo"}}"#
            )
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { response in
                #expect(response.status == .accepted)
                let object = json(response.body)
                #expect(response.headers[.location] == "/api/v1/requests/\(object["id"] as? String ?? "")")
                #expect(
                    (object["spec"] as? [String: Any])?["owner"] as? String == "group:default/platform-team",
                    "owner defaults to the catalog's first group")
                return object["id"] as? String ?? ""
            }
            let ready = try await waitForStatus(client, id, ["ready"])
            #expect((ready["manifest"] as? String)?.contains("MODE: demo") == true)
            #expect((ready["events"] as? [[String: Any]])?.count == 4)
            #expect((ready["attempts"] as? [[String: Any]])?.first?["engine"] as? String == "template")
            let list = try await client.execute(uri: "/api/v1/requests?status=ready", method: .get) { json($0.body) }
            #expect(list["total"] as? Int == 1)
            let cancelled = try await client.execute(
                uri: "/api/v1/requests/\(id)/cancel", method: .post, headers: [.contentType: "application/json"]
            ) { response in
                #expect(response.status == .accepted)
                return json(response.body)
            }
            #expect(cancelled["status"] as? String == "cancelled")
            try await client.execute(
                uri: "/api/v1/requests/\(id)/pull-request", method: .post, headers: [.contentType: "application/json"]
            ) { response in
                #expect(response.status == .conflict)
                #expect((json(response.body)["error"] as? [String: Any])?["code"] as? String == "conflict")
            }
            try await client.execute(uri: "/api/v1/requests/nope", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test(
        "bad input answers a JSON error with the reason and the field",
        arguments: [
            (
                #"{"app_name": "Bad Name", "image": "nginx:1.27"}"#, HTTPResponse.Status.badRequest, "invalid_field",
                "app_name"
            ),
            (#"{"app_name": "ok", "engine": "template"}"#, .badRequest, "invalid_field", "image"),
            (#"not json"#, .badRequest, "invalid_json", nil),
            (#"{"app_name": ["a"]}"#, .badRequest, "invalid_field", "app_name"),
            (
                #"{"app_name": "x", "prompt": ""# + String(repeating: "a", count: 70_000) + #""}"#, .contentTooLarge,
                "body_too_large", nil
            ),
        ] as [(String, HTTPResponse.Status, String, String?)])
    func errors(_ body: String, _ status: HTTPResponse.Status, _ code: String, _ field: String?) async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == status)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let error = json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == code)
                #expect(error?["field"] as? String == field)
                #expect((error?["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test(
        "the seed's call: POST /generate/manifest answers the four fields, against a fake Ollama and the git provider")
    func generateManifest() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-git-\(UUID().uuidString)")
            .path
        let provider = GitCLIProvider(
            repositoryPath: folder + "/gitops.git", seedPath: repositoryRoot + "/examples/homelab")
        try await FakeOllama(.replay("chat-stream-deployment.ndjson")).application().test(.live) { fake in
            let state = try platformState(root: repositoryRoot + "/examples/homelab")
            let provisioning = try await testProvisioning(
                ollamaURL: "http://127.0.0.1:\(try #require(fake.port))", provider: provider, autoPR: false,
                model: "qwen2.5-coder:0.5b")
            let router = try await buildRouter(
                state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
            try await Application(router: router, logger: quietLogger).test(.router) { client in
                let body = ByteBuffer(
                    string:
                        #"{"prompt": "deploy nginx with 2 replicas and expose it on port 80", "app_name": "nginx-demo"}"#
                )
                try await client.execute(
                    uri: "/generate/manifest", method: .post, headers: [.contentType: "application/json"], body: body
                ) { response in
                    #expect(response.status == .ok)
                    let object = json(response.body)
                    #expect(object["app_name"] as? String == "nginx-demo")
                    let branch = try #require(object["branch"] as? String)
                    #expect(branch.hasPrefix("homeport/nginx-demo-"))
                    #expect((object["pr_url"] as? String)?.hasSuffix("gitops.git#\(branch)") == true)
                    let manifest = try #require(object["manifest"] as? String)
                    #expect(manifest.contains("namespace: ai-generated"))
                    #expect(manifest.contains("app.kubernetes.io/managed-by: homeport"))
                }
            }
        }
    }

    @Test("/openapi.json describes the API and /docs shows it")
    func openAPI() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { json($0.body) }
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(
                Set(paths.keys) == [
                    "/generate/manifest", "/api/v1/requests", "/api/v1/requests/{id}", "/api/v1/requests/{id}/retry",
                    "/api/v1/requests/{id}/cancel", "/api/v1/requests/{id}/pull-request",
                ])
            let docs = try await client.page("/docs")
            #expect(docs.status == .ok)
            #expect(docs.body.contains("<code>POST /generate/manifest</code>"))
            #expect(docs.body.contains("deploy nginx with 2 replicas"))
        }
    }
}

@Suite("A bounded queue")
struct QueueLimitTests {
    @Test("beyond the queue limit the API answers 429 with Retry-After, and the form keeps the input")
    func queueFull() async throws {
        let state = try platformState(root: repositoryRoot + "/examples/homelab")
        // The runner is not started, so the first request stays queued and fills the queue.
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false,
            queueLimit: 1, startRunner: false)
        let router = try await buildRouter(state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
        try await Application(router: router, logger: quietLogger).test(.router) { client in
            let first = ByteBuffer(string: #"{"app_name": "one", "image": "nginx:1.27"}"#)
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: first
            ) {
                #expect($0.status == .accepted)
            }
            let second = ByteBuffer(string: #"{"app_name": "two", "image": "nginx:1.27"}"#)
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: second
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "30")
                #expect((json(response.body)["error"] as? [String: Any])?["code"] as? String == "queue_full")
            }
            let fields = [
                "app_name": "three", "owner": "group:default/platform-team", "image": "nginx:1.27",
                "engine": "template",
            ]
            try await BrowserSession(client).post(client, "/apps/new", fields) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "30")
                let body = String(buffer: response.body)
                #expect(body.contains("1 requests are already waiting or running"))
                #expect(body.contains(#"value="three""#))
            }
            #expect(try await provisioning.store.list(.init()).total == 1)
        }
    }
}

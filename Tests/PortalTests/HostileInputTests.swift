import FakeUpstreams
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

/// What escaping must prevent, found by reading the page's real tags (escaped text such as
/// `&lt;img onerror=…&gt;` has none): script-like elements, event-handler attributes, and
/// `javascript:`/`data:`/`vbscript:` URLs in links, sources and form actions.
func unescapedMarkup(in page: String) -> [String] {
    var found: [String] = []
    let tag = try! Regex(#"<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>"#)
    let attribute = try! Regex(#"([^\s"'=/<>]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#)
    for match in page.matches(of: tag) {
        let name = String(page[match.output[1].range!]).lowercased()
        let attributes = String(page[match.output[2].range!])
        // The portal's own scripts come from /static/; anything else is not ours.
        let ownScript = name == "script" && attributes.contains(#"src="/static/"#)
        if ["script", "iframe", "object", "embed", "base"].contains(name), !ownScript { found.append("<\(name)>") }
        for pair in attributes.matches(of: attribute) {
            let key = String(attributes[pair.output[1].range!]).lowercased()
            let value = String(attributes[pair.output[2].range!]).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"' ")
            ).lowercased()
            if key.hasPrefix("on") { found.append("\(key) on <\(name)>") }
            if ["href", "src", "action", "formaction", "xlink:href"].contains(key),
                ["javascript:", "data:", "vbscript:"].contains(where: { value.hasPrefix($0) })
            {
                found.append("\(key)=\(value.prefix(30)) on <\(name)>")
            }
        }
    }
    return found
}

private let corpusFolder = repositoryRoot + "/Tests/Fixtures/hostile-input"

struct HostileSubmission: Sendable, CustomTestStringConvertible {
    var name: String
    var fields: [String: String]
    var status: Int
    var field: String?
    var testDescription: String { name }

    static func corpus() -> [HostileSubmission] {
        let data = (try? Data(contentsOf: URL(fileURLWithPath: corpusFolder + "/requests.json"))) ?? Data("[]".utf8)
        let cases = (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        return cases.map { item in
            var fields = item["fields"] as? [String: String] ?? [:]
            if let prompt = fields["prompt"], prompt.hasPrefix("REPEAT:") {
                let parts = prompt.split(separator: ":")
                fields["prompt"] = String(repeating: String(parts[1]), count: Int(parts[2]) ?? 1)
            }
            return HostileSubmission(
                name: item["case"] as? String ?? "?", fields: fields, status: item["status"] as? Int ?? 0,
                field: item["field"] as? String)
        }
    }
}

@Suite("Hostile input corpus (Tests/Fixtures/hostile-input)")
struct HostileInputTests {
    @Test(
        "hostile submissions get their clear answer through the API and the form, and every page stays escaped",
        arguments: HostileSubmission.corpus())
    func submissions(_ submission: HostileSubmission) async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let json = try JSONSerialization.data(withJSONObject: submission.fields)
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(data: json)
            ) { response in
                #expect(response.status.code == submission.status, "\(String(buffer: response.body))")
                let object =
                    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
                if let field = submission.field {
                    #expect((object["error"] as? [String: Any])?["field"] as? String == field)
                }
                return object["id"] as? String
            }
            if let id {
                for path in ["/requests/\(id)", "/requests"] {
                    let page = try await client.page(path)
                    #expect(page.status == .ok)
                    #expect(unescapedMarkup(in: page.body).isEmpty, "\(path): \(unescapedMarkup(in: page.body))")
                }
                // Frees the app name for the form below.
                _ = try await provisioning.cancel(id, by: .anonymous)
            }
            // The same input through the form: the form again with the input kept (escaped), or the request.
            var fields = submission.fields
            fields["owner"] = fields["owner"] ?? "group:default/platform-team"
            let session = try await BrowserSession(client)
            try await session.post(client, "/apps/new", fields) { response in
                let body = String(buffer: response.body)
                #expect(
                    response.status == (submission.status == 202 ? .seeOther : .unprocessableContent),
                    "\(body.prefix(300))")
                #expect(unescapedMarkup(in: body).isEmpty, "\(unescapedMarkup(in: body))")
            }
        }
    }

    @Test(
        "hostile model output ends in a clear state, and the request page shows it escaped",
        arguments: [
            ("hostile-markup.ndjson", RequestStatus.rejected, "not an image reference"),
            ("hostile-billion-laughs.ndjson", .rejected, "aliases expand to more than"),
            ("hostile-deep-nesting.ndjson", .rejected, "nest"),
            ("hostile-huge-scalar.ndjson", .rejected, "more than the limit of 262144"),
            ("hostile-duplicate-keys.ndjson", .rejected, "duplicate key"),
            // Bytes that are not UTF-8 become U+FFFD, and the name is then refused.
            ("hostile-invalid-utf8.ndjson", .rejected, "is not a DNS-1123 subdomain"),
            // A Service aliasing kubernetes.default: the policy escapes of hostile-input/policy-escapes.
            (
                "hostile-policy-escape.ndjson", .rejected,
                "a Service of type ExternalName makes the app's Service name an alias"
            ),
        ])
    func modelOutput(_ transcript: String, _ expected: RequestStatus, _ reason: String) async throws {
        try await FakeOllama(.replay(transcript, pause: .zero)).application().test(.live) { fake in
            let (app, _, provisioning) = try await portalWithProvisioning(
                ollamaURL: "http://127.0.0.1:\(try #require(fake.port))", model: "qwen2.5-coder:0.5b")
            try await app.test(.router) { client in
                let body = ByteBuffer(
                    string: #"{"app_name": "web", "engine": "ollama-yaml", "prompt": "a web server"}"#)
                let id = try await client.execute(
                    uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
                ) { response in
                    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["id"]
                        as? String
                }
                let request = try await provisioning.waitUntilSettled(try #require(id), timeout: 60)
                #expect(request.status == expected, "\(request.failureReason ?? "")")
                #expect(
                    request.failureReason?.lowercased().contains(reason.lowercased()) == true,
                    "\(request.failureReason ?? "no reason")")
                let page = try await client.page("/requests/\(request.id)")
                #expect(page.status == .ok)
                #expect(unescapedMarkup(in: page.body).isEmpty, "\(unescapedMarkup(in: page.body))")
                let api = try await client.page("/api/v1/requests/\(request.id)")
                #expect(api.status == .ok)
            }
        }
    }

    @Test("an entity whose name and namespace are markup is refused and listed on the errors page, escaped")
    func entityNameWithMarkup() async throws {
        let (app, _) = try await portal(root: repositoryRoot + "/Tests/Fixtures/platforms/hostile")
        try await app.test(.router) { client in
            let errors = try await client.page("/-/errors")
            #expect(errors.status == .ok)
            #expect(errors.body.contains("&lt;script&gt;alert(&#39;entity name&#39;)&lt;/script&gt;"))
            #expect(unescapedMarkup(in: errors.body).isEmpty, "\(unescapedMarkup(in: errors.body))")
            let catalog = try await client.page("/catalog")
            #expect(!catalog.body.contains("entity name"), "a refused entity is not in the catalog")
        }
    }

    static let traversalPaths: [String] = {
        let text = (try? String(contentsOfFile: corpusFolder + "/paths.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    }()

    @Test("path traversal is refused on every route that takes a path", arguments: traversalPaths)
    func traversal(_ path: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect((400..<500).contains(page.status.code), "\(path) answered \(page.status)")
            #expect(
                !page.body.contains("swift-tools-version") && !page.body.contains("root:x:0:0"), "\(path) leaked a file"
            )
            #expect(unescapedMarkup(in: page.body).isEmpty)
        }
    }

    @Test(
        "static files come with their type and nosniff",
        arguments: [
            ("/static/homeport.css", "text/css"), ("/static/favicon.svg", "image/svg+xml"),
            ("/static/openapi.json", "application/json"),
        ])
    func staticTypes(_ path: String, _ type: String) async throws {
        let (app, _, _) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix(type) == true, "\(page.headers[.contentType] ?? "none")")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
        }
    }
}

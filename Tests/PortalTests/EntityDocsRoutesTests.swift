import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Docs, API definitions, relation graphs and entity decisions of the example homelab")
struct EntityDocsRoutesTests {
    @Test(
        "each page answers 200 with what a reader looks for",
        arguments: [
            // The docs' home: the mkdocs nav beside it, anchored headings and the page's outline.
            (
                "/catalog/component/default/ai-gateway/docs",
                [
                    #"<a href="/catalog/component/default/ai-gateway/docs" aria-current="page">Overview</a>"#,
                    #"<a href="/catalog/component/default/ai-gateway/docs/operations">Operations</a>"#,
                    #"<h2 id="manifest-generation-flow">Manifest generation flow</h2>"#,
                    ##"<li><a href="#configuration">Configuration</a></li>"##,
                    // Links between pages, to a section of another page, to the platform's ADRs, and images.
                    #"href="/catalog/component/default/ai-gateway/docs/operations#when-ollama-is-down""#,
                    #"href="/adr/005-local-inference-gitops-ai""#,
                    #"src="/catalog/component/default/ai-gateway/docs/images/flow.svg""#,
                    #"rel="next">Operations →</a>"#, "Source: <code>apps/ai-gateway/docs/index.md</code>",
                ]
            ),
            (
                "/catalog/component/default/ai-gateway/docs/operations",
                [
                    #"<h2 id="when-ollama-is-down">When Ollama is down</h2>"#,
                    #"href="/catalog/component/default/ai-gateway/docs#metrics""#, #"rel="prev">← AI Gateway</a>"#,
                ]
            ),
            ("/catalog/component/default/hello-platform/docs/runbook", ["The page answers 502", "Hello Platform"]),
            // The AI Gateway's openapi.yaml: operations by tag, parameters, bodies and responses, refs resolved.
            (
                "/catalog/api/default/ai-gateway-api/definition",
                [
                    "<h1>AI Gateway API <span class=\"badge\">1.2.0</span></h1>", "OpenAPI 3.0.3",
                    #"<h2 id="tag-chat">chat</h2>"#, #"<h2 id="tag-gitops">gitops</h2>"#,
                    #"<span class="method method-post">POST</span> <code>/generate/manifest</code>"#,
                    "Request body <span class=\"required\">required</span>",
                    #"<span class="schema-type">ChatRequest</span>"#,
                    #"<code>messages</code> <span class="schema-type">array of ChatMessage</span>"#,
                    // A response given by $ref to components/responses.
                    #"<span class="badge status-code-4">401</span>"#,
                    "<summary>Raw definition</summary>", "openapi: 3.0.3",
                ]
            ),
            // The graph: the entity in the middle, linked neighbours coloured by kind, the same as a list.
            (
                "/catalog/component/default/ai-gateway",
                [
                    #"<svg class="relation-graph""#, #"aria-hidden="true""#,
                    #"<a href="/catalog/api/default/ai-gateway-api" tabindex="-1"><g class="g-node g-api">"#,
                    #"<g class="g-node g-center g-component">"#,
                    #"<summary>The graph as a list</summary>"#,
                    #"<a href="/catalog/component/default/ai-gateway">AI Gateway</a> provides api <a href="/catalog/api/default/ai-gateway-api">AI Gateway API</a>"#,
                    #"<a class="button" href="/catalog/component/default/ai-gateway/docs">Read the documentation</a>"#,
                    // Its own decisions, with status and date.
                    #"<h2 id="records-heading">Decisions</h2>"#,
                    #"href="/catalog/component/default/ai-gateway/adr/0001-fastapi-over-ollama-directly""#,
                    #"<time datetime="2024-05-14">2024-05-14</time>"#,
                ]
            ),
            (
                "/catalog/api/default/ai-gateway-api",
                [
                    #"<a class="button" href="/catalog/api/default/ai-gateway-api/definition">Read the API definition</a>"#
                ]
            ),
            // A system's page draws the whole system: its parts and how they relate.
            (
                "/catalog/system/default/ai",
                [
                    "Local AI, its parts and how they relate",
                    #"<a href="/catalog/component/default/ollama" tabindex="-1">"#,
                    #"<a href="/catalog/component/default/ollama">Ollama</a> dependency of <a href="/catalog/component/default/open-webui">Open WebUI</a>"#,
                ]
            ),
            (
                "/catalog/component/default/ai-gateway/adr/0002-validate-before-pull-request",
                [
                    #"<a href="/catalog/component/default/ai-gateway">AI Gateway</a> › 002"#,
                    #"href="/catalog/component/default/ai-gateway/adr/0001-fastapi-over-ollama-directly""#,
                    #"rel="prev""#,
                    "Source: <code>apps/ai-gateway/decisions/0002-validate-before-pull-request.md</code>",
                ]
            ),
            // The platform's index lists the records kept with entities, and whose they are.
            (
                "/adr",
                [
                    "Decisions kept with catalog entities",
                    #"<td><a href="/catalog/component/default/ai-gateway">AI Gateway</a></td>"#,
                    "Validate generated manifests before opening a pull request",
                ]
            ),
            // Docs and entity decisions are found by search, naming the entity and the page.
            (
                "/search?q=ollama+down",
                [
                    #"<a href="/catalog/component/default/ai-gateway/docs/operations">Operations · AI Gateway</a>"#,
                    #"<span class="badge kind">Documentation</span>"#,
                ]
            ),
            (
                "/search?q=fastapi+gateway&kind=adr",
                [
                    #"<a href="/catalog/component/default/ai-gateway/adr/0001-fastapi-over-ollama-directly">Put a <mark>FastAPI</mark>"#
                ]
            ),
        ])
    func pages(_ path: String, _ snippets: [String]) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok, "\(path)")
            for snippet in snippets {
                #expect(page.body.contains(snippet), "\(path) should contain \(snippet)")
            }
        }
    }

    @Test("an image of the docs folder is served with its type; anything else there is not")
    func images() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let image = try await client.page("/catalog/component/default/ai-gateway/docs/images/flow.svg")
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/svg+xml")
            #expect(image.headers[.contentDisposition] == "attachment", "an SVG never opens as a page of the portal")
            #expect(image.body.contains("pull request"))
            for path in [
                "/catalog/component/default/ai-gateway/docs/../mkdocs.yml",
                "/catalog/component/default/ai-gateway/docs/images/missing.png",
                "/catalog/component/default/ai-gateway/docs/no-such-page",
            ] {
                #expect(try await client.page(path).status != .ok, "\(path)")
            }
        }
    }

    @Test(
        "pages that do not exist answer 404",
        arguments: [
            "/catalog/component/default/homeport/docs", // no techdocs-ref
            "/catalog/component/default/ai-gateway/definition", // not an API
            "/catalog/component/default/ai-gateway/adr/9999-none",
            "/catalog/component/default/hello-platform/adr/0001-fastapi-over-ollama-directly",
            "/catalog/component/default/nobody/docs",
        ])
    func missing(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let status = try await client.page(path).status
            #expect(status == .notFound, "\(path)")
        }
    }
}

@Suite("Docs and API definitions from a hostile platform repository")
struct HostileDocsTests {
    static let root = repositoryRoot + "/Tests/Fixtures/platforms/hostile"

    @Test(
        "markup in Markdown, mkdocs.yml, ADRs and API definitions stays escaped",
        arguments: [
            "/catalog/component/default/xss-service", "/catalog/component/default/xss-service/docs",
            "/catalog/component/default/xss-service/docs/guide/setup", "/catalog/api/default/xss-api/definition",
            "/catalog/api/default/xss-swagger/definition", "/catalog/api/default/xss-unparseable/definition",
            "/catalog/api/default/xss-graphql/definition", "/catalog/component/default/xss-service/adr/001-raw",
            "/adr", "/-/errors", "/search?q=script",
        ])
    func escaped(_ path: String) async throws {
        let (app, _) = try await portal(root: Self.root)
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok, "\(path)")
            #expect(unescapedMarkup(in: page.body).isEmpty, "\(path): \(unescapedMarkup(in: page.body))")
        }
    }

    @Test("what cannot be read is said: a definition that does not parse, cycles, unsupported mkdocs features")
    func reasons() async throws {
        let (app, _) = try await portal(root: Self.root)
        try await app.test(.router) { client in
            let unparseable = try await client.page("/catalog/api/default/xss-unparseable/definition").body
            #expect(unparseable.contains("The definition does not parse:</strong> line 3"))
            #expect(unparseable.contains(#"<details class="raw-definition" open>"#))
            let openAPI = try await client.page("/catalog/api/default/xss-api/definition").body
            #expect(openAPI.contains("Loop again (it contains itself); expanded above"))
            #expect(openAPI.contains("external reference https://evil.invalid/&lt;script&gt;.json is not followed"))
            let swagger = try await client.page("/catalog/api/default/xss-swagger/definition").body
            #expect(swagger.contains("Swagger 2.0"))
            #expect(swagger.contains(#"<code>children</code> <span class="schema-type">array of Item</span>"#))
            let graphql = try await client.page("/catalog/api/default/xss-graphql/definition").body
            #expect(graphql.contains(#"<span class="hl-key">type</span> <span class="hl-literal">Query</span>"#))
            let errors = try await client.page("/-/errors").body
            for reason in [
                "mkdocs plugin &#39;macros&#39; is not supported",
                "Markdown extension &#39;admonition&#39; is not supported",
                "nav entry &#39;nowhere.md&#39; names no page of the docs folder",
            ] {
                #expect(errors.contains(reason), "\(reason)")
            }
            #expect(!errors.contains("techdocs-core"))
        }
    }
}

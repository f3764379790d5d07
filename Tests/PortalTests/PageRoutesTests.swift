import Foundation
import Hummingbird
import HummingbirdTesting
import Platform
import SiteURL
import Testing

@testable import Portal

@Suite("Pages of the example homelab")
struct PageRoutesTests {
    @Test(
        "every page answers 200 with its data",
        arguments: [
            (
                "/",
                [
                    "<h1>Homelab platform</h1>", "Observability", "Argo CD", "Use GitHub Actions and GHCR",
                    #"href="/catalog?kind=component""#,
                ]
            ),
            // The catalog opens on Components, as Backstage does; every kind is one tab away.
            (
                "/catalog",
                [
                    "Showing 1–19 of 19 entities", "hello-platform",
                    #"aria-current="page">Component <span class="meta">(19)</span>"#,
                    #"<input type="hidden" name="kind" value="component">"#, #"aria-sort="ascending""#,
                ]
            ),
            (
                "/catalog?kind=all",
                [
                    "Showing 1–31 of 31 entities", "hello-platform", "ai-gateway-api",
                    #"<input type="hidden" name="kind" value="all">"#,
                ]
            ),
            (
                "/catalog?kind=component&owner=group%3Adefault%2Fplatform-team&tag=python",
                ["hello-platform", "Showing 1–"]
            ),
            (
                "/catalog?q=grafana",
                [
                    "Grafana", "Clear filters",
                    #"<td><a href="/catalog/system/default/observability">Observability</a></td>"#,
                ]
            ),
            // The kind switcher: Components first, counts, the current kind kept by the filter form; labels bound to their fields.
            (
                "/catalog?kind=api",
                [
                    #"<li><a href="/catalog?kind=component">Component <span class="meta">(19)</span></a></li><li><a href="/catalog?kind=api" aria-current="page">API <span class="meta">(1)</span></a>"#,
                    #"<a href="/catalog?kind=all">All <span class="meta">(31)</span></a>"#,
                    #"<input type="hidden" name="kind" value="api">"#,
                    #"<label for="filter-owner">Owner</label>"#, #"<select id="filter-owner" name="owner">"#,
                ]
            ),
            (
                "/catalog/component/default/grafana",
                [
                    "Depends on", "Owned by", "Part of", #"href="/catalog/component/default/prometheus""#,
                    "catalog/platform-components.yaml:", "argocd.homelab.local/applications/",
                ]
            ),
            (
                "/catalog/component/default/prometheus",
                ["Dependency of", #"href="/catalog/component/default/grafana""#]
            ),
            (
                "/catalog/api/default/ai-gateway-api",
                ["Read the API definition", "API provided by", "API consumed by"]
            ),
            // What a team owns is a table (name, kind, type, lifecycle, description), not a run-on line of links.
            (
                "/catalog/group/default/platform-team",
                [
                    #"<h2 id="owned-heading">Owns</h2>"#, #"aria-label="Owned entities table""#,
                    #"<td><a href="/catalog/component/default/grafana">Grafana</a></td><td>Component</td><td>service</td>"#,
                    "Has member", #"href="/catalog/user/default/alex""#,
                ]
            ),
            ("/catalog/domain/default/homelab", ["Has part"]),
            ("/adr", ["001", "Use a single mono-repo", "status-superseded", "2024-"]),
            (
                "/adr/004-gitea-mirror",
                ["Superseded by", #"href="/adr/006-github-actions-ghcr""#, #"rel="next""#, #"rel="prev""#]
            ),
            ("/adr/006-github-actions-ghcr", ["Supersedes", #"href="/adr/004-gitea-mirror""#, "<table>"]),
            (
                "/inventory",
                [
                    "HP Mini PC", "k3s-server-01", "12 of 28 vCPU allocated (43%)", "24 of 31 GB allocated (77%)",
                    "<svg", "RTX 4080 Super", "×3",
                ]
            ),
            (
                "/observability",
                ["Grafana dashboards", "https://grafana.homelab.local/d/", "Argo CD applications", "ai-generated"]
            ),
            ("/-/errors", ["Every file loaded.", "Reload the platform"]),
            ("/healthz", ["ok"]),
        ])
    func pages(_ path: String, _ snippets: [String]) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok)
            for snippet in snippets {
                #expect(page.body.contains(snippet), "\(path) should contain \(snippet)")
            }
        }
    }

    @Test("every kind of page SiteURL links to is answered: the links and the router's patterns agree")
    func siteURLsAreRoutes() async throws {
        let (app, state) = try await portal()
        let snapshot = state.snapshot
        let entity = try #require(snapshot.catalog.entities.first)
        let (documented, docs) = try #require(await snapshot.docs.sites.value.min { $0.key < $1.key })
        let api = try #require(snapshot.catalog.entities.first { $0.definition != nil })
        let (keeper, kept) = try #require(snapshot.entityADRs.first { $0.value.owner != nil })
        let record = try #require(kept.records.first)
        let platformRecord = try #require(snapshot.adrs.first)
        let pages: [SiteURL] =
            [
                .overview, .catalog, .entity(entity.ref.site), .entityDefinition(api.ref.site),
                .entityADR(keeper.site, id: record.id), .adrs, .adr(id: platformRecord.id), .inventory,
                .observability, .diagnostics, .search, .newApp, .requests, .errors,
            ] + docs.pages.map { SiteURL.entityDocs(documented.site, page: $0.path) }
        try await app.test(.router) { client in
            for page in pages {
                let status = try await client.page(page.path).status
                #expect(status == .ok, "\(page) → \(page.path)")
            }
        }
    }

    @Test(
        "a link's path segments and query values are percent-encoded as Foundation encodes them",
        arguments: ["web", "a b", "c++", "x/y?z#w", "ünïcode", "50%", "tag:with@signs;and=more", "", "~._-"])
    func percentEncoding(_ text: String) {
        let query = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        #expect(SiteURL.encode(text) == text.addingPercentEncoding(withAllowedCharacters: query))
        let segment = CharacterSet.urlPathAllowed.subtracting(["/", "?", "#"])
        let expected = try? #require(text.addingPercentEncoding(withAllowedCharacters: segment))
        #expect(SiteURL.adr(id: text).path == "/adr/" + (expected ?? ""))
    }

    @Test("every entity and every ADR has a page")
    func everyEntityAndRecord() async throws {
        let (app, state) = try await portal()
        try await app.test(.router) { client in
            for entity in state.snapshot.catalog.entities {
                let page = try await client.page(SiteURL.entity(entity.ref.site).path)
                #expect(page.status == .ok, "\(entity.ref)")
                #expect(page.body.contains(entity.displayName.replacingOccurrences(of: "&", with: "&amp;")))
            }
            for adr in state.snapshot.adrs {
                #expect(try await client.page(SiteURL.adr(id: adr.id).path).status == .ok)
            }
        }
    }

    @Test(
        "unknown addresses get the 404 page inside the layout",
        arguments: [
            "/nothing-here", "/catalog/component/default/nope", "/adr/999-missing", "/catalog/a/b",
            "/static/missing.css",
        ])
    func notFound(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .notFound)
            #expect(page.body.contains("<h1>Page not found</h1>"))
            #expect(page.body.contains(#"<nav aria-label="Main">"#))
            #expect(!page.body.contains("swift-tools-version"))
        }
    }

    @Test(
        "static files never leave Public/",
        arguments: [
            "/static/../Package.swift", "/static/%2e%2e/Package.swift", "/static/..%2fPackage.swift",
            "/static/../../etc/passwd",
        ])
    func traversal(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .badRequest || page.status == .notFound)
            #expect(!page.body.contains("swift-tools-version"))
            #expect(!page.body.contains("root:"))
        }
    }

    @Test("pages carry a strict content security policy and a content type")
    func headers() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page("/")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let css = try await client.page("/static/homeport.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test(
        "HEAD answers every page route like GET, without the body (monitors and link checkers use it)",
        arguments: [
            "/", "/catalog", "/catalog/component/default/grafana", "/adr", "/adr/003-private-ca", "/inventory",
            "/observability",
            "/diagnostics", "/search?q=argo", "/apps/new", "/requests", "/docs", "/-/errors", "/healthz",
        ])
    func head(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let get = try await client.page(path)
            try await client.execute(uri: path, method: .head) { response in
                #expect(response.status == .ok, "HEAD \(path)")
                #expect(response.headers[.contentType] == get.headers[.contentType])
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/no-such-page", method: .head) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test(
        "a page with a form's CSRF token is never gzipped (BREACH), even when the browser accepts it",
        arguments: ["/apps/new"])
    func formPagesPlain(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip, deflate, br"]) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == nil)
                #expect(String(buffer: response.body).contains("csrf_token"))
            }
        }
    }

    @Test(
        "pages come gzipped to a browser that accepts it, also from the page cache, and plain otherwise",
        arguments: ["/catalog", "/adr", "/inventory"])
    func gzippedPages(_ path: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let plain = try await client.page(path)
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary] == "Accept-Encoding")
            for _ in 0..<2 {
                try await client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip, deflate, br"]) {
                    response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentEncoding] == "gzip")
                    #expect(response.headers[.vary] == "Accept-Encoding")
                    #expect(Array(response.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
                    #expect(response.body.readableBytes < plain.body.utf8.count / 2)
                }
            }
        }
    }

    @Test(
        "API answers come gzipped to a client that asks, once they are large enough to gain; small ones and other clients get plain JSON"
    )
    func gzippedJSON() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"app_name": "web", "image": "nginx:1.27", "engine": "template"}"#)
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { response in
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["id"]
                        as? String)
            }
            _ = try await provisioning.waitUntilSettled(id, timeout: 60)
            let plain = try await client.page("/api/v1/requests/\(id)")
            #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding")
            #expect(plain.body.utf8.count >= JSONBody.smallestCompressed, "the manifest and the attempt make it large")
            try await client.execute(uri: "/api/v1/requests/\(id)", method: .get, headers: [.acceptEncoding: "gzip"]) {
                response in
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
                #expect(response.body.readableBytes < plain.body.utf8.count / 2)
            }
            try await client.execute(uri: "/api/v1/requests/nope", method: .get, headers: [.acceptEncoding: "gzip"]) {
                response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentEncoding] == nil, "a small error stays plain")
            }
        }
    }

    @Test("ADR titles show their code spans as code, not backticks")
    func adrTitleCode() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            for path in ["/adr", "/adr/003-private-ca"] {
                let page = try await client.page(path)
                #expect(page.body.contains("ClusterIssuer <code>homelab-ca</code>"), "\(path)")
                #expect(!page.body.contains("`homelab-ca`"), "\(path)")
            }
            #expect(
                try await client.page("/adr/003-private-ca").body.contains(
                    "<title>Issue TLS certificates from a private CA (cert-manager ClusterIssuer homelab-ca) · Homeport</title>"
                ))
        }
    }

    @Test("the navigation marks the current section")
    func navigation() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page("/inventory")
            #expect(page.body.contains(#"<a href="/inventory" aria-current="page">Inventory</a>"#))
            #expect(page.body.contains(#"<a href="/catalog">Catalog</a>"#))
        }
    }
}

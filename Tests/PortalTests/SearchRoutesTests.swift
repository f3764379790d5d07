import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Search page")
struct SearchRoutesTests {
    @Test("every page has a search box that sends a GET to /search")
    func searchBox() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            for path in ["/", "/catalog", "/adr"] {
                let page = try await client.page(path)
                #expect(
                    page.body.contains(#"<form class="site-search" method="get" action="/search" role="search""#),
                    "\(path)")
                #expect(page.body.contains(#"<input id="site-search" name="q" type="search""#), "\(path)")
            }
        }
    }

    @Test(
        "the beginning of a word and a tag find entities, with the match marked",
        arguments: [
            ("/search?q=promethe", #"<a href="/catalog/component/default/prometheus"><mark>Promethe</mark>us</a>"#),
            ("/search?q=fastapi", #"<a href="/catalog/component/default/ai-gateway">AI Gateway</a>"#),
            ("/search?q=multicast", #"reserved for <mark>multicast</mark>"#),
        ])
    func finds(_ path: String, _ expected: String) async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok)
            #expect(page.body.contains(expected))
        }
    }

    @Test("a kind narrows the hits; the kind links keep the query")
    func kindFilter() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let all = try await client.page("/search?q=platform")
            #expect(all.body.contains(#"<span class="badge kind">Decision</span>"#))
            #expect(all.body.contains(#"<span class="badge kind">Component</span>"#))
            #expect(all.body.contains(#"<a href="/search?q=platform&amp;kind=adr">Decision <span class="meta">("#))
            let decisions = try await client.page("/search?q=platform&kind=adr")
            #expect(decisions.body.contains(#"<span class="badge kind">Decision</span>"#))
            #expect(!decisions.body.contains(#"<span class="badge kind">Component</span>"#))
            #expect(decisions.body.contains(#"<a href="/search?q=platform&amp;kind=adr" aria-current="page">"#))
            let nothing = try await client.page("/search?q=platform+zzzqqq")
            #expect(nothing.body.contains("Nothing matches “platform zzzqqq”."))
        }
    }

    @Test("markup from the repository is escaped in titles and snippets; only the marks are HTML")
    func escaping() async throws {
        let (app, _) = try await portal(root: repositoryRoot + "/Tests/Fixtures/platforms/hostile")
        try await app.test(.router) { client in
            let page = try await client.page("/search?q=friends")
            #expect(page.status == .ok)
            #expect(
                page.body.contains("&lt;img src=x onerror=alert(&#39;description&#39;)&gt; &amp; <mark>friends</mark>"))
            #expect(page.body.contains("&quot;&gt;&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"))
            let scripts = try await client.page("/search?q=%3Cscript%3E+alert")
            #expect(!scripts.body.contains("<script"))
            #expect(scripts.body.contains("&lt;<mark>script</mark>&gt;<mark>alert</mark>"))
        }
    }

    @Test("app requests are found by name, next to the catalog")
    func requests() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let body = ByteBuffer(
                string:
                    #"{"app_name": "zebra-tracker", "image": "nginx:1.27", "engine": "template", "description": "Counts zebras"}"#
            )
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { response in
                #expect(response.status == .accepted)
                return json(response.body)["id"] as? String ?? ""
            }
            let page = try await client.page("/search?q=zebra")
            #expect(
                page.body.contains(
                    #"<a href="/requests/\#(id)"><mark>zebra</mark>-tracker</a> <span class="badge kind">Request</span>"#
                ))
            _ = try await waitForStatus(client, id, ["ready"])
            let narrowed = try await client.page("/search?q=zebra&kind=request")
            #expect(narrowed.body.contains("/requests/\(id)"))
            #expect(narrowed.body.contains("\(id) · ready"), "a cached search page shows the request as it is now")
            #expect(try await client.page("/search?q=zebra&kind=component").body.contains("/requests/\(id)") == false)
        }
    }
}

@Suite("Static assets and cached pages")
struct StaticAssetsAndCacheTests {
    @Test("assets carry an ETag and a lifetime, answer 304 to a matching If-None-Match, and come gzipped when asked")
    func assets() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let plain = try await client.page("/static/homeport.css")
            let etag = try #require(plain.headers[.eTag])
            #expect(plain.headers[.cacheControl] == "public, max-age=300")
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.setCookie] == nil, "a static file sets no cookie, so shared caches may keep it")
            try await client.execute(uri: "/static/homeport.css", method: .get, headers: [.ifNoneMatch: etag]) {
                response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/static/homeport.css", method: .get, headers: [.acceptEncoding: "br, gzip"])
            { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(response.headers[.vary] == "Accept-Encoding")
                #expect(Array(response.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
                #expect(response.body.readableBytes < plain.body.utf8.count / 2)
            }
            try await client.execute(uri: "/static/homeport.css", method: .get, headers: [.acceptEncoding: "gzip;q=0"])
            { response in
                #expect(response.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test("a reload drops the pages rendered from the old snapshot")
    func reloadInvalidates() async throws {
        let root = try copyOfFolder(repositoryRoot + "/examples/homelab")
        let (app, state) = try await portal(root: root)
        try await app.test(.router) { client in
            #expect(try await client.page("/catalog?kind=component").body.contains("late-service") == false)
            try """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: late-service}
            spec: {type: service, lifecycle: production, owner: platform-team}
            """.write(toFile: root + "/apps/hello-platform/catalog-info.yaml", atomically: true, encoding: .utf8)
            state.reload()
            #expect(try await client.page("/catalog?kind=component").body.contains("late-service"))
        }
    }

    @Test("ADR hits read as text: no Markdown link syntax in their status line or snippet")
    func adrHitsAsText() async throws {
        let (app, _) = try await portal()
        try await app.test(.router) { client in
            let page = try await client.page("/search?q=postgres&kind=adr")
            #expect(page.body.contains("004-gitea-mirror · Superseded by 6. Use GitHub Actions and GHCR"))
            #expect(page.body.contains("<mark>PostgreS</mark>QL"))
            #expect(!page.body.contains("]("))
            #expect(!page.body.contains("* Bootstrap"))
        }
    }

    @Test("pages keep answering while the snapshot is rebuilt again and again")
    func reloadUnderLoad() async throws {
        let (app, state) = try await portal()
        let paths = [
            "/", "/catalog", "/catalog?kind=component&sort=owner", "/catalog/component/default/argocd",
            "/adr/001-monorepo", "/search?q=argo", "/static/homeport.css",
        ]
        try await app.test(.router) { client in
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    for _ in 0..<8 {
                        if case .failure(let error) = state.reload() { return ["reload: \(error)"] }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return []
                }
                for worker in 0..<4 {
                    group.addTask {
                        var failures: [String] = []
                        for round in 0..<60 {
                            let path = paths[(worker + round) % paths.count]
                            let page = try await client.page(path)
                            if page.status != .ok || page.body.isEmpty { failures.append("\(path): \(page.status)") }
                        }
                        return failures
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(failures.isEmpty)
        }
    }
}

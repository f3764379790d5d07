import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Load errors and reload")
struct LoadErrorsAndReloadTests {
    var broken: String { repositoryRoot + "/Tests/Fixtures/platforms/broken" }

    @Test("bad files show on /-/errors with file and line while the rest serves")
    func errorsPage() async throws {
        let (app, _) = try await portal(root: broken)
        try await app.test(.router) { client in
            let errors = try await client.page("/-/errors")
            #expect(errors.status == .ok)
            for snippet in [
                "<td><code>catalog/yaml-error.yaml</code></td><td>8:1</td>",
                "<td><code>catalog/bad-name.yaml</code></td><td>4</td>",
                "<td><code>catalog/dangling.yaml</code></td><td>10</td>",
                "metadata.name &#39;bad name!&#39; is not a valid name",
                "which is not in the catalog",
                "docs/adr/002-bad-front-matter.md",
            ] {
                #expect(errors.body.contains(snippet), "errors page should contain \(snippet)")
            }
            let overview = try await client.page("/")
            #expect(overview.body.contains(#"<a class="problems" href="/-/errors">10 load errors</a>"#))
            let catalog = try await client.page("/catalog")
            #expect(catalog.body.contains("good-service"))
            #expect(!catalog.body.contains("never-loaded"))
            let dangling = try await client.page("/catalog/component/default/dangling-service")
            #expect(dangling.body.contains("component:default/does-not-exist (not in the catalog)"))
        }
    }

    @Test("POST /-/reload picks up changed files")
    func reload() async throws {
        let root = try copyOfFolder(broken)
        let (app, _) = try await portal(root: root)
        try await app.test(.router) { client in
            #expect(try await client.page("/catalog/component/default/late-service").status == .notFound)
            try """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: late-service}
            spec: {type: service, lifecycle: production, owner: team-a}
            """.write(toFile: root + "/catalog/bad-name.yaml", atomically: true, encoding: .utf8)
            try await BrowserSession(client).post(client, "/-/reload") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/-/errors")
            }
            #expect(try await client.page("/catalog/component/default/late-service").status == .ok)
            #expect(!(try await client.page("/-/errors").body.contains("bad-name.yaml")))
        }
    }

    @Test("a failed reload keeps serving the last good snapshot and says so")
    func failedReload() async throws {
        let root = try copyOfFolder(broken)
        let (app, state) = try await portal(root: root)
        try FileManager.default.removeItem(atPath: root)
        try await app.test(.router) { client in
            try await BrowserSession(client).post(client, "/-/reload") { #expect($0.status == .seeOther) }
            #expect(state.current.reloadFailure != nil)
            let errors = try await client.page("/-/errors")
            #expect(errors.body.contains("The last reload"))
            #expect(errors.body.contains("is not a readable folder"))
            #expect(try await client.page("/catalog/component/default/good-service").status == .ok)
        }
    }
}

@Suite("Escaping")
struct EscapingTests {
    @Test(
        "markup from every field of a hostile platform reaches pages escaped",
        arguments: [
            "/", "/catalog", "/catalog/component/default/xss-service", "/catalog/api/default/xss-api",
            "/catalog/group/default/team-x", "/catalog/template/default/unknown-kind",
            "/catalog/location/default/hostile-root",
            "/adr", "/adr/001-raw-html", "/adr/002-next", "/inventory", "/observability", "/-/errors",
        ])
    func hostile(_ path: String) async throws {
        let (app, _) = try await portal(root: repositoryRoot + "/Tests/Fixtures/platforms/hostile")
        try await app.test(.router) { client in
            let page = try await client.page(path)
            #expect(page.status == .ok)
            let body = page.body.lowercased()
            for forbidden in [
                "<script", "<img src=x", "<iframe", "<svg onload", "<b onmouseover", "<div onclick",
                "href=\"javascript:", "src=\"data:", "href=\"data:",
            ] {
                #expect(!body.contains(forbidden), "\(path) contains \(forbidden)")
            }
        }
    }

    @Test("escaped text is still shown to the reader")
    func visibleText() async throws {
        let (app, _) = try await portal(root: repositoryRoot + "/Tests/Fixtures/platforms/hostile")
        try await app.test(.router) { client in
            let page = try await client.page("/catalog/component/default/xss-service")
            #expect(page.body.contains("&lt;img src=x onerror=alert(&#39;description&#39;)&gt; &amp; friends"))
            #expect(
                !page.body.contains("example.invalid"),
                "a malformed link URL is left out, and listed on the errors page")
            let errors = try await client.page("/-/errors")
            #expect(
                errors.body.contains(
                    "metadata.links: &#39;https://example.invalid/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39; is not an http, https or mailto URL"
                ))
            let adr = try await client.page("/adr/002-next")
            #expect(adr.body.contains("Next &quot;&lt;quoted&gt;&quot; &amp; decision"))
            #expect(adr.body.contains(#"href="/adr/001-raw-html#decision""#))
        }
    }
}

@Suite("Catalog paging")
struct CatalogPagingTests {
    @Test("past 100 rows the catalog pages, keeping the filters in the links")
    func paging() async throws {
        var documents = [
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team}\nspec: {type: team, children: []}"
        ]
        for index in 1...230 {
            documents.append(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc-\(String(format: "%03d", index)), tags: [c++]}\nspec: {type: service, lifecycle: production, owner: team}"
            )
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-paging-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: root + "/catalog", withIntermediateDirectories: true)
        try "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {target: ./all.yaml}"
            .write(toFile: root + "/catalog/locations.yaml", atomically: true, encoding: .utf8)
        try documents.joined(separator: "\n---\n").write(
            toFile: root + "/catalog/all.yaml", atomically: true, encoding: .utf8)

        let (app, _) = try await portal(root: root)
        try await app.test(.router) { client in
            let first = try await client.page("/catalog?kind=component&tag=c%2B%2B")
            #expect(first.body.contains("Showing 1–100 of 230 entities"))
            #expect(first.body.contains("Page 1 of 3"))
            #expect(first.body.contains(#"href="/catalog?kind=component&amp;tag=c%2B%2B&amp;page=2" rel="next""#))
            #expect(first.body.components(separatedBy: "<tr>").count - 2 == 100)
            let last = try await client.page("/catalog?kind=component&tag=c%2B%2B&page=3")
            #expect(last.body.contains("Showing 201–230 of 230 entities"))
            #expect(last.body.contains("svc-230"))
            #expect(!last.body.contains("rel=\"next\""))
        }
    }
}

import Foundation
import Testing

@testable import Markdown

@Suite("Markdown rendering")
struct MarkdownTests {
    @Test("GitHub extensions: tables, strikethrough, autolinks, task lists")
    func extensions() {
        let html = Markdown.renderHTML(
            """
            | Option | Chosen |
            |---|---|
            | k3s | yes |

            ~~kubeadm~~ and https://k3s.io

            - [x] done
            - [ ] open
            """)
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>k3s</td>"))
        #expect(html.contains("<del>kubeadm</del>"))
        #expect(html.contains(#"<a href="https://k3s.io">https://k3s.io</a>"#))
        #expect(html.contains(#"<input type="checkbox" checked="" disabled="" aria-label="Done" />"#))
        #expect(html.contains(#"<input type="checkbox" disabled="" aria-label="Not done" />"#))
    }

    @Test("tables scroll in their own named, focusable region, so a wide one never widens the page")
    func tablesInRegions() {
        let html = Markdown.renderHTML("| A |\n|---|\n| 1 |\n\ntext\n\n| B |\n|---|\n| 2 |\n")
        #expect(html.contains(#"<div class="table-scroll" role="region" aria-label="Table 1" tabindex="0"><table>"#))
        #expect(html.contains(#"<div class="table-scroll" role="region" aria-label="Table 2" tabindex="0"><table>"#))
        #expect(html.components(separatedBy: "</table></div>").count == 3)
    }

    @Test(
        "a title's code spans become code, everything else escaped text",
        arguments: [
            (
                "Issue certificates from `homelab-ca`", "Issue certificates from <code>homelab-ca</code>",
                "Issue certificates from homelab-ca"
            ),
            ("Use k3s", "Use k3s", "Use k3s"),
            ("Compare `a<b` & *c*", "Compare <code>a&lt;b</code> &amp; *c*", "Compare a<b & *c*"),
            (
                "Next \"<quoted>\" & decision", "Next &quot;&lt;quoted&gt;&quot; &amp; decision",
                "Next \"<quoted>\" & decision"
            ),
            ("One ` unpaired", "One ` unpaired", "One ` unpaired"),
        ])
    func title(markdown: String, html: String, text: String) {
        #expect(Markdown.titleHTML(markdown) == html)
        #expect(Markdown.titleText(markdown) == text)
    }

    @Test("raw HTML never reaches the output")
    func rawHTML() {
        let html = Markdown.renderHTML(
            """
            <script>alert(1)</script>

            Inline <img src=x onerror=alert(1)> and <b onclick="x()">bold</b>.
            """)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("onclick"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test(
        "dangerous link and image targets are emptied",
        arguments: [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "[x](vbscript:msgbox)",
            "[x](file:///etc/passwd)",
        ])
    func dangerousLinks(_ markdown: String) {
        let html = Markdown.renderHTML(markdown)
        #expect(!html.lowercased().contains("javascript:"))
        #expect(!html.contains("data:"))
        #expect(!html.contains("vbscript:"))
        #expect(!html.contains("file:"))
        #expect(html.contains(#"href="""#) || html.contains(#"src="about:blank""#))
    }

    @Test(
        "safe links survive",
        arguments: [
            "https://a.example/x", "mailto:team@homelab.local", "002-k3s.md", "#context", "../docs/x.md",
            "/catalog?x=a:b",
        ])
    func safeLinks(_ url: String) {
        #expect(Markdown.isSafeURL(url))
        #expect(
            Markdown.renderHTML("[x](\(url))").contains("href=\"\(url.replacingOccurrences(of: "&", with: "&amp;"))\""))
    }

    @Test(
        "malformed URLs are not safe",
        arguments: [
            "https://x.example/\"><script>", "https://x.example/a b", "https://x.example/<x>", "https://x.example/{y}",
        ])
    func malformed(_ url: String) {
        #expect(!Markdown.isSafeURL(url))
    }

    @Test("links can be rewritten by the caller")
    func rewrite() {
        let html = Markdown.renderHTML("[k3s](002-k3s.md) and [web](https://x.example)") { url in
            url.hasSuffix(".md") ? "/adr/" + url.dropLast(3) : nil
        }
        #expect(html.contains(#"<a href="/adr/002-k3s">k3s</a>"#))
        #expect(html.contains(#"<a href="https://x.example">web</a>"#))
    }

    @Test("concurrent renders give the same result (cmark-gfm is behind one lock)")
    func concurrency() async {
        let source = (1...50).map { "| a\($0) | b |\n|---|---|\n| ~~c~~ | https://x\($0).example |\n" }.joined(
            separator: "\n")
        let expected = Markdown.renderHTML(source)
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { Markdown.renderHTML(source) } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test("plain text keeps the words and drops the markup: link targets, emphasis, code marks")
    func plainText() {
        let text = Markdown.plainText(
            "Superseded by [ADR 6](006-ghcr.md), **not** `helm`.\n\n# Heading\n\nA [site](https://example.org).")
        #expect(text == "Superseded by ADR 6, not helm.\n\nHeading\n\nA site.")
    }
}

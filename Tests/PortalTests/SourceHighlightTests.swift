import Testing

@testable import Portal

@Suite("Highlighted manifests and diffs")
struct SourceHighlightTests {
    @Test("YAML: keys, quoted strings, literals, comments and list dashes get their spans; the rest is text")
    func yaml() {
        let html = SourceHighlight.yaml("# app\nkind: Deployment\nspec:\n  replicas: 2\n  - name: \"web\"\n---")
        #expect(
            html == """
                <span class="hl-comment"># app</span>
                <span class="hl-key">kind</span>: Deployment
                <span class="hl-key">spec</span>:
                  <span class="hl-key">replicas</span>: <span class="hl-literal">2</span>
                  <span class="hl-punct">-</span> <span class="hl-key">name</span>: <span class="hl-string">&quot;web&quot;</span>
                <span class="hl-doc">---</span>
                """)
    }

    @Test(
        "a diff: headers, hunks, added and removed lines",
        arguments: [
            ("+++ b/x.yaml", #"<span class="hl-meta">+++ b/x.yaml</span>"#),
            ("@@ -0,0 +1,2 @@", #"<span class="hl-hunk">@@ -0,0 +1,2 @@</span>"#),
            ("+image: nginx:1.27", #"<span class="hl-add">+<span class="hl-key">image</span>: nginx:1.27</span>"#),
            (
                "-  port: 80",
                #"<span class="hl-del">-  <span class="hl-key">port</span>: <span class="hl-literal">80</span></span>"#
            ),
            ("   url: https://a.example/x", #"   <span class="hl-key">url</span>: https://a.example/x"#),
        ])
    func diff(_ line: String, _ expected: String) {
        #expect(SourceHighlight.diff(line) == expected)
    }

    @Test(
        "markup in any part of a line stays text",
        arguments: [
            "<script>alert(1)</script>: x", "k: <img src=x onerror=alert(1)>", "# <b>c</b>", "k: '<i>'",
            "+<a href=\"javascript:x\">: y", "- \"&amp;\"",
        ])
    func escaped(_ line: String) {
        for html in [SourceHighlight.yaml(line), SourceHighlight.diff(line)] {
            let withoutSpans = html.replacing(#/<span class="hl-[a-z]+">|</span>/#, with: "")
            #expect(!withoutSpans.contains("<") && !withoutSpans.contains(">"), "\(html)")
            #expect(unescapedMarkup(in: html).isEmpty)
        }
    }
}

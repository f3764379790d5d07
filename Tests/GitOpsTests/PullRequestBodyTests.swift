import FakeUpstreams
import Foundation
import GitOps
import Markdown
import Store
import Testing

@testable import Provisioning

extension ForgeTests {
    @Suite("Pull request bodies act on nothing, on the bodies the fake forges received")
    struct PullRequestBodyTests {
        /// Everything a forge acts on, and a fence-breaker: runs of 1 to 7 backticks, tildes.
        static let prompt = """
            Serve the site for @org/team and @alex, fixes #1, Closes homelab/platform#2, resolved: GH-3,
            FIX https://github.com/homelab/platform/issues/4 and reopens !5.
            <details><summary>Read more</summary>
            ```
            ````yaml
            ~~~
            </details> `one` ``two`` ```three``` ``````` seven
            """

        @Test("GitHub: mentions, closing keywords, references and HTML stay text inside one code block")
        func github() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let body = try await Self.openedBody(
                    provider: try RecoveryFlow.github(port: port), pullBody: { await fake.pulls.first?.body })
                Self.expectInert(body)
            }
        }

        @Test("Gitea: the same body, as Gitea received it")
        func gitea() async throws {
            let fake = FakeGitea()
            try await serve(fake) { port in
                let provider = try GiteaProvider(
                    apiURL: "http://127.0.0.1:\(port)/api/v1", repository: "homelab/platform",
                    token: "gitea-t0ken-f0r-b0dy-tests", retry: RetryPolicy(maxAttempts: 1))
                let body = try await Self.openedBody(provider: provider, pullBody: { await fake.pulls.first?.body })
                Self.expectInert(body)
            }
        }

        /// Runs a request with the hostile prompt to `pr_opened` and answers the body the forge got.
        static func openedBody(provider: any GitProvider, pullBody: () async -> String?) async throws -> String {
            let flow = try await RecoveryFlow(
                store: try RecoveryFlow.freshStore(), provider: provider, clock: SkippingClock())
            let created = try await flow.submit(prompt: prompt)
            let done = try await flow.wait(created.id, for: [.prOpened, .failed])
            await flow.runner.shutdown()
            #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
            return try #require(await pullBody())
        }

        static func expectInert(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for acting in ["@org/team", "@alex", "#1", "#2", "GH-3", "!5"] {
                #expect(!body.contains(acting), "\(acting) would act on the forge", sourceLocation: sourceLocation)
            }
            let keyword = #/(?i)\b(close[sd]?|fix(e[sd])?|resolve[sd]?|reopen(s|ed)?)\b/#
            #expect(body.firstMatch(of: keyword) == nil, "a closing keyword is left", sourceLocation: sourceLocation)

            // Rendered as GitHub does (cmark-gfm): the prompt is one code block, shown whole, HTML as text.
            let html = Markdown.renderHTML(body)
            #expect(!html.contains("<details"), sourceLocation: sourceLocation)
            #expect(html.contains("&lt;details&gt;"), "the HTML is shown as text", sourceLocation: sourceLocation)
            let blocks = html.components(separatedBy: "<pre><code class=\"language-text\">").dropFirst()
            #expect(blocks.count == 1, sourceLocation: sourceLocation)
            let shown = blocks.first.flatMap { $0.components(separatedBy: "</code></pre>").first } ?? ""
            #expect(
                unescape(shown).replacingOccurrences(of: InertMarkdown.zeroWidthSpace, with: "") == prompt + "\n",
                "the code block holds the whole prompt, unchanged but for invisible breaks",
                sourceLocation: sourceLocation)
        }

        static func unescape(_ html: String) -> String {
            html.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}

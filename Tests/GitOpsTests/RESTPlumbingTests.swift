import Foundation
import Testing

@testable import GitOps

@Suite("REST plumbing: retries, rate limits, URLs, redaction")
struct RESTPlumbingTests {
    @Test("backoff doubles from the base delay and stops at the cap")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 3, maxRateLimitWait: 10)
        #expect((1...5).map(policy.delay(beforeRetry:)) == [0.5, 1, 2, 3, 3])
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.standard == RetryPolicy(maxAttempts: 4, baseDelay: 0.5, maxDelay: 8, maxRateLimitWait: 0))
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfter() throws {
        #expect(RESTClient.parseRetryAfter("120") == 120)
        #expect(RESTClient.parseRetryAfter(" 0 ") == 0)
        #expect(RESTClient.parseRetryAfter("-5") == 0)
        #expect(RESTClient.parseRetryAfter("soon") == nil)
        // A hostile or broken forge: waits that whole milliseconds cannot hold are refused or capped.
        #expect(RESTClient.parseRetryAfter("inf") == nil)
        #expect(RESTClient.parseRetryAfter("nan") == nil)
        #expect(RESTClient.parseRetryAfter("1e300") == 86_400)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(90))
        let seconds = try #require(RESTClient.parseRetryAfter(date))
        #expect(seconds > 85 && seconds <= 90)
    }

    @Test("path segments keep their slashes and encode the rest; queries too")
    func encoding() {
        #expect(
            RESTClient.encodePath("gitops/apps/ai-generated/web/manifest.yaml")
                == "gitops/apps/ai-generated/web/manifest.yaml")
        #expect(RESTClient.encodePath("docs/a b#c?.md") == "docs/a%20b%23c%3F.md")
        #expect(RESTClient.encodePath("café.yaml") == "caf%C3%A9.yaml")
        #expect(RESTClient.encodeQuery("homelab:homeport/web-1a2b3c") == "homelab:homeport/web-1a2b3c")
        #expect(RESTClient.encodeQuery("a&b=c+d") == "a%26b%3Dc%2Bd")
    }

    @Test("the redactor hides tokens and URL credentials, and keeps the rest")
    func redaction() {
        let redactor = Redactor(secrets: ["tok3n-value", "ab"])
        #expect(redactor.scrub("Bearer tok3n-value failed") == "Bearer [redacted] failed")
        #expect(redactor.scrub("ab stays: short secrets are ignored") == "ab stays: short secrets are ignored")
        #expect(
            Redactor.stripURLCredentials("fatal: unable to access 'https://bot:p4ss@git.local/x.git/': 403")
                == "fatal: unable to access 'https://[redacted]@git.local/x.git/': 403")
        #expect(Redactor.stripURLCredentials("https://git.local/a@b") == "https://git.local/a@b")
        #expect(
            Redactor.stripURLCredentials("ssh://git@host:22/x and http://u@h/")
                == "ssh://[redacted]@host:22/x and http://[redacted]@h/")
        #expect(redactor.excerpt("line one\n\n  line two  \n", limit: 100) == "line one | line two")
        #expect(redactor.excerpt(String(repeating: "x", count: 20), limit: 5) == "xxxxx…")
    }

    @Test(
        "draft checks accept Homeport's branches and paths",
        arguments: [
            "homeport/web-1a2b3c", "main", "feature/a.b_c-d", "release/2026.11",
        ])
    func validBranches(_ name: String) throws {
        try DraftCheck.branchName(name, role: "branch")
    }

    @Test(
        "draft checks refuse what git would refuse or misread",
        arguments: [
            "", "-x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "a/", "/a", "a//b", "a.lock",
            "a/.hidden", "a.", "@", "a@{1}", "a\nb",
        ])
    func invalidBranches(_ name: String) {
        #expect(throws: GitProviderError.self) { try DraftCheck.branchName(name, role: "branch") }
    }

    @Test("a trace line reads like a log line")
    func traceLine() {
        let trace = GitProviderTrace(
            method: "PUT", url: "https://api.github.com/repos/o/r/contents/a.yaml", attempt: 2, status: 201,
            failure: nil, milliseconds: 84)
        #expect(trace.description == "PUT https://api.github.com/repos/o/r/contents/a.yaml -> 201 (84 ms) attempt 2")
        let failed = GitProviderTrace(
            method: "GET", url: "http://127.0.0.1:1/x", attempt: 1, status: nil, failure: "connection refused",
            milliseconds: 0)
        #expect(failed.description == "GET http://127.0.0.1:1/x -> connection refused (0 ms)")
    }
}

import Config
import Foundation
import GitOps
import Hummingbird
import HummingbirdTesting
import Logging
import Provisioning
import RequestValues
import Store
import Testing

@testable import Portal

@Suite("A pull request step waiting to be retried")
struct ForgeRecoveryPageTests {
    @Test("the request page says when it retries, which attempt of how many, and why")
    func retryNotice() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        let store = provisioning.store
        let spec = AppSpec(name: "web", owner: "group:default/platform-team", image: "nginx:1.27", port: 80)
        let request = AppRequest(
            id: "0123456789ab", appName: "web", engine: "template", model: nil, source: "test",
            spec: spec, autoPR: true,
            requestedBy: nil, at: Date())
        _ = try await store.create(request, message: "Request received", actedBy: "anonymous")
        try await store.transition(request.id, to: .openingPR, message: "Opening the pull request")
        let failedAt = try #require(ISO8601DateFormatter().date(from: "2026-12-03T14:01:30Z"))
        let retry = StepRetry(
            requestID: request.id, step: .openPullRequest, attempt: 2, maxAttempts: 8,
            reason: "GitHub answered 503 Service Unavailable to GET /repos/o/r/git/ref/heads/main",
            waitSeconds: 240, firstFailedAt: failedAt, failedAt: failedAt)
        #expect(try await store.schedule(retry, message: "Pull request: \(retry.reason); \(retry.retryingAt)"))

        try await app.test(.router) { client in
            let page = try await client.page("/requests/\(request.id)")
            #expect(page.status == .ok)
            #expect(
                page.body.contains(
                    "Pull request: retrying at 14:05 (attempt 3 of 8): GitHub answered 503 Service Unavailable"),
                "\(page.body)")
        }
    }

    @Test("every forge call is logged at debug level, without the token")
    func debugLog() async throws {
        let token = "ghp_l0gT3stT0ken4GitHub00000000000000000"
        var config = HomeportConfig()
        config.gitops.provider = .github
        config.gitops.github.repository = "homelab/platform"
        config.gitops.github.apiURL = "http://127.0.0.1:9"
        let captured = CapturedLog()
        var logger = captured.logger
        logger.logLevel = .debug
        let provider = try makeGitProvider(
            config: config, environment: ["GITHUB_TOKEN": token], trace: forgeCallLogger(logger))
        let draft = PullRequestDraft(
            branch: "homeport/web-1a2b3c", baseBranch: "main", files: [.init(path: "a.yaml", content: "a: 1\n")],
            commitMessage: "Add web", title: "Add web", body: "")
        _ = try? await provider.openPullRequest(draft)

        let calls = captured.all.filter { $0.message == "forge call" }
        #expect(calls.count == 4, "the first call and its three quick retries")
        #expect(
            calls.first?.metadata["url"]?.description == "http://127.0.0.1:9/repos/homelab/platform/git/ref/heads/main")
        #expect(calls.first?.metadata["outcome"]?.description == "connection refused")
        #expect(!captured.all.contains { "\($0.message) \($0.metadata)".contains(token) })
    }
}

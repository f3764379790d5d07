import FakeUpstreams
import Foundation
import GitOps
import HummingbirdTesting
import Manifests
import RequestValues
import Store
import Testing
import YAML

@testable import Provisioning

@Suite("The new-app flow, against a fake Ollama on 127.0.0.1")
struct JobRunnerTests {
    @Test("template engine: ready with a preview, then one pull request with the manifests and the catalog entry")
    func templateFlow() async throws {
        let forge = FakeForge()
        let flow = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: forge)
        let created = try await flow.submit(templateFields)
        let ready = try await flow.wait(created.id, for: [.ready, .failed, .rejected])
        #expect(ready.status == .ready)
        #expect(forge.calls.isEmpty, "auto_pr is off: a preview first")
        let manifest = try #require(ready.manifest)
        #expect(try YAML.parseDocuments(manifest).map { $0["kind"]?.string } == ["Deployment", "Service", "Ingress"])

        _ = try await flow.service.openPullRequest(created.id, by: .anonymous)
        let opened = try await flow.wait(created.id, for: [.prOpened, .failed])
        #expect(opened.status == .prOpened)
        #expect(opened.prURL == "https://forge.test/pulls/1")
        let draft = try #require(forge.calls.first)
        #expect(draft.branch == "homeport/web-\(created.id.prefix(8))")
        #expect(draft.baseBranch == "main")
        #expect(
            draft.files.map(\.path) == [
                "gitops/apps/ai-generated/web/manifest.yaml", "gitops/apps/ai-generated/web/catalog-info.yaml",
            ])
        #expect(draft.files[0].content == manifest)
        #expect(draft.title == "Add web (drafted by Homeport)")
        #expect(draft.body.contains("http://portal.test/requests/\(created.id)"))
        #expect(draft.body.contains("Serve the team's static site"))
        #expect(draft.body.contains("### Policy report"))
        let events = try await flow.store.events(of: created.id)
        #expect(events.map(\.status) == [.queued, .generating, .validating, .ready, .ready, .openingPR, .prOpened])
        // The click on "Open pull request" is an event of its own, naming who clicked.
        #expect(events[4].message == "Pull request requested" && events[4].actedBy == "anonymous")
        #expect(events[5].actedBy == RequestEvent.system)
    }

    @Test("the recorded real model answer: fences stripped, namespace and labels forced, warnings kept, ready")
    func recordedModelAnswer() async throws {
        let ollama = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await ollama.application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let created = try await flow.submit(ollamaFields())
            let ready = try await flow.wait(created.id, for: [.ready, .failed, .rejected])
            #expect(ready.status == .ready, "\(ready.failureReason ?? "")")
            let documents = try YAML.parseDocuments(try #require(ready.manifest))
            #expect(documents.first?["metadata"]?["namespace"]?.string == "ai-generated")
            #expect(documents.first?["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]?.string == "homeport")
            let findings = try #require(ready.storedFindings).value(column: "policy findings")
            #expect(findings.allSatisfy { $0.severity == .warning })
            #expect(findings.contains { $0.message.contains("latest") })
            let attempt = try #require(try await flow.store.attempts(of: created.id).first)
            #expect(attempt.rawOutput.hasPrefix("```yaml"))
            #expect(attempt.outputTokens != nil)
            #expect(try attempt.messages().contains { $0.content.contains("deploy nginx with 2 replicas") })
            // What Homeport sent: the model, the rules, the fields, streaming, low temperature, fixed seed.
            let sent = try #require(ollama.requests.current.last { $0.path == "/api/chat" }).json
            #expect(sent["model"] as? String == "qwen2.5-coder:0.5b")
            #expect(sent["stream"] as? Bool == true)
            let options = try #require(sent["options"] as? [String: Any])
            #expect(options["seed"] as? Int == 42)
            #expect((options["temperature"] as? Double ?? 1) <= 0.2)
        }
    }

    @Test("broken YAML goes back to the model once; still broken, the request is rejected with its findings")
    func repairThenReject() async throws {
        let ollama = FakeOllama(.replay("chat-stream-broken-yaml.ndjson"))
        try await ollama.application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let created = try await flow.submit(ollamaFields())
            let rejected = try await flow.wait(created.id, for: [.rejected, .ready, .failed])
            #expect(rejected.status == .rejected)
            #expect(try await flow.store.attempts(of: created.id).map(\.purpose) == [.draft, .repair])
            let repair = try #require(ollama.requests.current.last { $0.path == "/api/chat" }).json
            let messages = try #require(repair["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["system", "user", "assistant", "user"])
            #expect((messages.last?["content"] as? String)?.contains("These manifests were refused") == true)
            let findings = try #require(rejected.storedFindings).value(column: "policy findings")
            #expect(findings.contains { $0.severity == .error && $0.message.contains("line") })
        }
    }

    @Test(
        "a model answer with a Service aliasing kubernetes.default is rejected with the reason, even with auto PR: no branch, no pull request"
    )
    func policyEscapeRejected() async throws {
        let ollama = FakeOllama(.replay("hostile-policy-escape.ndjson", pause: .zero))
        try await ollama.application().test(.live) { client in
            let forge = FakeForge()
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: forge, autoPR: true)
            let created = try await flow.submit(ollamaFields(), autoPR: true)
            let rejected = try await flow.wait(created.id, for: [.rejected, .ready, .failed, .prOpened])
            #expect(rejected.status == .rejected)
            #expect(
                rejected.failureReason?.contains("ExternalName") == true, "\(rejected.failureReason ?? "no reason")")
            let findings = try #require(rejected.storedFindings).value(column: "policy findings")
            #expect(
                findings.contains {
                    $0.severity == .error && $0.object == "Service/nginx-demo" && $0.path == "spec.type"
                })
            #expect(rejected.branch == nil && rejected.prURL == nil)
            #expect(forge.calls.isEmpty)
        }
    }

    @Test(
        "upstream failures end failed with the reason, keeping what streamed",
        arguments: [
            ("chat-stream-error-midway.ndjson", "Ollama reported an error"),
            ("chat-stream-invalid-json.ndjson", "is not a chat line"),
        ])
    func upstreamFailures(_ transcript: String, _ reason: String) async throws {
        let ollama = FakeOllama(.replay(transcript))
        try await ollama.application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let created = try await flow.submit(ollamaFields())
            let failed = try await flow.wait(created.id, for: [.failed, .ready, .rejected])
            #expect(failed.status == .failed)
            #expect(failed.failureReason?.contains(reason) == true, "\(failed.failureReason ?? "")")
            let attempt = try #require(try await flow.store.attempts(of: created.id).first)
            #expect(!attempt.rawOutput.isEmpty, "the partial output is kept")
            #expect(attempt.error?.contains(reason) == true)
        }
    }

    @Test("an unknown model and a refused connection fail with a message a user can act on")
    func unknownModelAndRefused() async throws {
        let ollama = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await ollama.application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge(),
                model: "no-such-model:1b")
            let created = try await flow.submit(ollamaFields())
            let failed = try await flow.wait(created.id, for: [.failed, .ready, .rejected])
            #expect(failed.failureReason?.contains("pull it first") == true, "\(failed.failureReason ?? "")")
        }
        let refused = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: FakeForge())
        let created = try await refused.submit(ollamaFields("other"))
        let failed = try await refused.wait(created.id, for: [.failed, .ready])
        #expect(failed.failureReason?.contains("not reachable") == true, "\(failed.failureReason ?? "")")
    }

    @Test("cancel stops a running generation; retry runs it again and keeps the history")
    func cancelAndRetry() async throws {
        let gate = Gate()
        defer { gate.open() }
        let ollama = FakeOllama(.drip("chat-stream-deployment.ndjson", pause: .milliseconds(200), gate: gate))
        try await ollama.application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let created = try await flow.submit(ollamaFields())
            _ = try await flow.wait(created.id, for: [.generating])
            // Cancel mid-stream: once the first token has arrived.
            let firstToken = try #require(try transcriptTokens("chat-stream-deployment.ndjson").first)
            try await flow.waitForOutput(of: created.id, atLeast: firstToken)
            let cancelled = try await flow.service.cancel(created.id, by: .anonymous)
            #expect(cancelled.status == .cancelled)
            // The job has stopped and recorded its attempt: it has nothing left to write.
            try await flow.waitForEndedAttempts(of: created.id)
            #expect(
                try await flow.store.request(id: created.id)?.status == .cancelled,
                "the job does not overwrite the cancel")
            _ = try await flow.service.retry(created.id, by: .anonymous)
            let events = try await flow.store.events(of: created.id).map(\.message)
            #expect(events.contains("Cancelled"))
            #expect(events.contains("Retry requested"))
            await flow.runner.shutdown()
            gate.open()
        }
    }

    @Test("a Cancel of the running generation frees its slot: the request queued behind it starts at once")
    func cancelStartsTheNext() async throws {
        let gate = Gate()
        defer { gate.open() }
        try await FakeOllama(.silent(gate: gate)).application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let first = try await flow.submit(ollamaFields("first"))
            _ = try await flow.wait(first.id, for: [.generating])
            let second = try await flow.submit(ollamaFields("second"))
            #expect(try await flow.store.request(id: second.id)?.status == .queued, "one generation at a time")
            _ = try await flow.service.cancel(first.id, by: .anonymous)
            let next = try await flow.wait(second.id, for: [.generating], limit: .seconds(20))
            #expect(next.status == .generating)
            await flow.runner.shutdown()
            gate.open()
        }
    }

    @Test(
        "a permanent forge error ends the request failed with the reason; retry keeps the manifests and opens the PR",
        arguments: [
            (
                GitProviderError(kind: .unauthorized, message: "the token was refused (401)"),
                "the token was refused (401)"
            ),
            // A rate limit is no longer among them: it is retried on its own (RecoveryFlowTests).
            (
                GitProviderError(
                    kind: .forbidden, message: "GitHub forbids POST /repos/o/r/pulls with this token (403)"),
                "forbids POST /repos/o/r/pulls with this token (403)"
            ),
            (
                GitProviderError(kind: .notFound, message: "repository o/r or branch main not found"),
                "repository o/r or branch main not found"
            ),
        ])
    func forgeErrors(_ error: GitProviderError, _ reason: String) async throws {
        let forge = FakeForge(failFirstCall: error)
        let flow = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: forge, autoPR: true)
        let created = try await flow.submit(templateFields, autoPR: true)
        let failed = try await flow.wait(created.id, for: [.failed, .prOpened])
        #expect(failed.status == .failed)
        #expect(failed.failureReason?.contains(reason) == true, "\(failed.failureReason ?? "")")
        #expect(failed.manifest != nil, "the manifests that passed are kept")
        _ = try await flow.service.retry(created.id, by: .anonymous)
        let opened = try await flow.wait(created.id, for: [.prOpened, .failed])
        #expect(opened.status == .prOpened)
        #expect(try await flow.store.attempts(of: created.id).count == 1, "the retry did not generate again")
        #expect(forge.pullCount == 1)
    }

    @Test("an app name held by an open request is refused")
    func nameHeld() async throws {
        let flow = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: FakeForge())
        _ = try await flow.submit(templateFields)
        let context = ValidationContext(groups: ["group:default/platform-team"], componentNames: []) { _ in nil }
        guard
            case .failure(let errors) = try await flow.service.submit(
                templateFields, source: "test", autoPR: false, requestedBy: nil, context: context)
        else {
            Issue.record("a second request for web was accepted")
            return
        }
        #expect(errors["app_name"]?.contains("is already open for web") == true)
    }
}

@Suite("Killing the job runner")
struct CrashRecoveryTests {
    @Test("killed mid-generation: the next start generates again and opens exactly one pull request")
    func killedDuringGeneration() async throws {
        let store = try freshStore()
        let forge = FakeForge()
        let stall = Gate()
        defer { stall.open() }
        let stalling = FakeOllama(.replayThenStall("chat-stream-stall.ndjson", gate: stall))
        let submitted = Shared("")
        try await stalling.application().test(.live) { client in
            let flow = try await Flow(
                store: store, ollamaPort: try #require(client.port), provider: forge, autoPR: true)
            let id = try await flow.submit(ollamaFields(), autoPR: true).id
            submitted.update { $0 = id }
            _ = try await flow.wait(id, for: [.generating])
            // Killed once the model has streamed everything it will send, and stalls.
            let streamed = try transcriptTokens("chat-stream-stall.ndjson").joined()
            try await flow.waitForOutput(of: id, atLeast: streamed)
            await flow.runner.shutdown()
            #expect(try await store.request(id: id)?.status == .generating, "a kill leaves the row as it was")
            stall.open()
        }
        let id = submitted.current
        try await FakeOllama(.replay("chat-stream-prose-fences.ndjson")).application().test(.live) { client in
            let flow = try await Flow(
                store: store, ollamaPort: try #require(client.port), provider: forge, autoPR: true)
            let done = try await flow.wait(id, for: [.prOpened, .failed, .rejected])
            #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
            await flow.runner.shutdown()
        }
        #expect(forge.pullCount == 1)
        let attempts = try await store.attempts(of: id)
        #expect(attempts.count == 2)
        #expect(attempts[0].error != nil, "the stopped attempt says why, and keeps its partial output")
        #expect(!attempts[0].rawOutput.isEmpty)
        let statuses = try await store.events(of: id).map(\.status)
        #expect(statuses.first == .queued)
        #expect(statuses.last == .prOpened)
        #expect(
            statuses.contains(.queued) && statuses.filter { $0 == .queued }.count == 2,
            "requeued once after the restart")
    }

    @Test("killed while opening the pull request: the next start finds it and never opens a second")
    func killedDuringPullRequest() async throws {
        let store = try freshStore()
        let hold = Gate()
        let forge = FakeForge(holdFirstCall: hold)
        let first = try await Flow(store: store, ollamaPort: closedPort(), provider: forge, autoPR: true)
        let id = try await first.submit(templateFields, autoPR: true).id
        _ = try await first.wait(id, for: [.openingPR])
        // Killed while the forge holds the first call.
        let deadline = ContinuousClock.now + .seconds(60)
        while forge.calls.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(forge.calls.count == 1)
        await first.runner.shutdown()
        #expect(try await store.request(id: id)?.status == .openingPR)

        let second = try await Flow(store: store, ollamaPort: closedPort(), provider: forge, autoPR: true)
        let done = try await second.wait(id, for: [.prOpened, .failed])
        #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
        #expect(forge.calls.count == 2)
        #expect(Set(forge.calls.map(\.branch)).count == 1, "both calls name the same branch")
        #expect(forge.pullCount == 1)
        let messages = try await store.events(of: id).map(\.message)
        #expect(messages.contains { $0.contains("restarted while opening the pull request") })
        await second.runner.shutdown()
    }
}

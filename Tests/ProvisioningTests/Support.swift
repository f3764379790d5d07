import FakeUpstreams
import Foundation
import GitOps
import Logging
import Ollama
import Store
import Synchronization
import Testing

@testable import Provisioning

let quietLogger: Logger = {
    var logger = Logger(label: "provisioning-tests")
    logger.logLevel = .critical
    return logger
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A fresh database with the project's migrations; `traceStatement` sees every statement run.
func freshStore(traceStatement: (@Sendable (String) -> Void)? = nil) throws -> RequestStore {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-flow-\(UUID().uuidString)")
        .path
    let database = try HomeportDatabase(path: folder + "/homeport.sqlite", traceStatement: traceStatement)
    try database.migrate(folder: repositoryRoot + "/migrations")
    return RequestStore(database: database)
}

/// The flow over a store: a runner (started) and the service the pages use.
struct Flow {
    let store: RequestStore
    let service: ProvisioningService
    let runner: JobRunner
    /// What the running generation has streamed so far, as the request page shows it.
    let feed: LiveFeed

    init(
        store: RequestStore, ollamaPort: Int, provider: any GitProvider, autoPR: Bool = false,
        model: String = "qwen2.5-coder:0.5b",
        // No test here waits for a limit to fire: they are far longer than any delay of a loaded machine.
        timeouts: OllamaTimeouts = OllamaTimeouts(connect: 30, firstToken: 30, total: 60)
    ) async throws {
        self.store = store
        let settings = ProvisioningSettings(
            model: model, publicURL: "http://portal.test", autoPR: autoPR, generationTimeout: 20)
        let ollama = OllamaClient(baseURL: "http://127.0.0.1:\(ollamaPort)", timeouts: timeouts)
        feed = LiveFeed()
        runner = JobRunner(
            store: store, ollama: ollama, provider: provider, settings: settings, feed: feed, logger: quietLogger)
        service = ProvisioningService(store: store, runner: runner, feed: feed, ollama: ollama, settings: settings)
        try await runner.start()
    }

    func submit(_ fields: [String: String], autoPR: Bool = false) async throws -> AppRequest {
        let asked = fields["app_name"] ?? ""
        let holder = try await store.holder(ofApp: asked)?.id
        let context = ValidationContext(groups: ["group:default/platform-team"], componentNames: ["grafana"]) {
            $0 == asked ? holder : nil
        }
        return try await service.submit(fields, source: "test", autoPR: autoPR, requestedBy: "alex", context: context)
            .get()
    }

    /// Waits until the request reaches `status` (or another final one), for at most `limit`.
    func wait(_ id: String, for statuses: Set<RequestStatus>, limit: Duration = .seconds(60)) async throws -> AppRequest
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let request = try #require(try await store.request(id: id))
            if statuses.contains(request.status) { return request }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try #require(try await store.request(id: id))
    }

    /// Waits until the running generation of `id` has streamed `text` (or more), for at most `limit`.
    func waitForOutput(of id: String, atLeast text: String, limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let streamed = feed.currentOutput(of: id)?.text, streamed.hasPrefix(text) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the generation of \(id) did not stream \(text.debugDescription)")
    }

    /// Waits until the attempts of `id` have all ended (the job has recorded how), for at most `limit`.
    func waitForEndedAttempts(of id: String, limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let attempts = try await store.attempts(of: id)
            if !attempts.isEmpty, attempts.allSatisfy({ $0.finishedAt != nil }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("an attempt of \(id) never ended")
    }
}

let templateFields: [String: String] = [
    "app_name": "web", "owner": "group:default/platform-team", "image": "ghcr.io/homelab/web:1.2.0", "port": "3000",
    "prompt": "Serve the team's static site", "engine": "template",
]

func ollamaFields(_ name: String = "nginx-demo") -> [String: String] {
    [
        "app_name": name, "owner": "group:default/platform-team",
        "prompt": "deploy nginx with 2 replicas and expose it on port 80", "engine": "ollama-yaml",
    ]
}

/// A Git provider that behaves like a forge: one PR per branch, found again on a second call.
/// With `holdFirstCall`, its first call waits on the gate (a PR step stuck mid-way).
final class FakeForge: GitProvider, Sendable {
    private let state = Mutex((calls: [PullRequestDraft](), pulls: [String: Int]()))
    private let hold: Gate?
    private let firstFailure: GitProviderError?

    /// `holdFirstCall` makes the first call wait on the gate; `failFirstCall` makes it throw.
    init(holdFirstCall: Gate? = nil, failFirstCall: GitProviderError? = nil) {
        hold = holdFirstCall
        firstFailure = failFirstCall
    }

    var calls: [PullRequestDraft] { state.withLock { $0.calls } }
    var pullCount: Int { state.withLock { $0.pulls.count } }

    func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        let isFirst = state.withLock { state -> Bool in
            state.calls.append(draft)
            return state.calls.count == 1
        }
        if isFirst, let firstFailure { throw firstFailure }
        if isFirst, let hold {
            while !hold.isOpen, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
            if Task.isCancelled { throw GitProviderError(kind: .upstream, message: "interrupted") }
        }
        let (number, reused) = state.withLock { state -> (Int, Bool) in
            if let existing = state.pulls[draft.branch] { return (existing, true) }
            state.pulls[draft.branch] = state.pulls.count + 1
            return (state.pulls.count, false)
        }
        return PullRequestResult(
            url: "https://forge.test/pulls/\(number)", number: number, branch: draft.branch, commit: "c0ffee\(number)",
            diff: nil, reused: reused)
    }
}

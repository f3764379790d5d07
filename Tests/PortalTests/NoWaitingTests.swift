import FakeUpstreams
import Foundation
import Hummingbird
import HummingbirdTesting
import Ollama
import Provisioning
import RequestValues
import Status
import Store
import Synchronization
import Testing

@testable import Portal

@Suite("Pages never wait: the new-app form reads the monitor, the live feed wakes on changes")
struct NoWaitingTests {
    @Test("GET /apps/new never calls Ollama: it shows the models of the monitor's last poll")
    func formNeverCallsOllama() async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await fake.application().test(.live) { server in
            let url = "http://127.0.0.1:\(try #require(server.port))"
            let monitor = try await monitorAfterOnePoll(ollamaURL: url)
            let tagCalls = { fake.requests.current.filter { $0.path == "/api/tags" }.count }
            #expect(tagCalls() == 1, "the monitor's poll")
            let (app, _, _) = try await portalWithProvisioning(ollamaURL: url, monitor: monitor)
            try await app.test(.router) { client in
                for _ in 0..<3 {
                    let page = try await client.page("/apps/new")
                    #expect(page.status == .ok)
                    #expect(page.body.contains("Ollama answers; models: qwen2.5-coder:0.5b, llama3.2:1b."))
                }
            }
            #expect(tagCalls() == 1, "no page asked Ollama")
        }
    }

    enum OllamaPoll: String, CaseIterable, Sendable {
        case none, answered, failed, failedAfterAnswering
    }

    @Test(
        "the form says what is known of Ollama: nothing yet, its models, why it does not answer, and how old the models shown are",
        arguments: [
            (OllamaPoll.none, "Ollama's models are not known yet: Homeport is waiting for its first answer."),
            (.answered, "Ollama answers; models: qwen2.5-coder:7b, llama3.2:1b."),
            (
                .failed,
                "Ollama does not answer (connection refused). The template engine works; the ollama engine will fail until Ollama is back.</p>"
            ),
            (
                .failedAfterAnswering,
                "Ollama does not answer (connection refused). The template engine works; the ollama engine will fail until Ollama is back. Its models 4 min ago: qwen2.5-coder:7b, llama3.2:1b.</p>"
            ),
        ])
    func ollamaStates(_ poll: OllamaPoll, _ expected: String) async throws {
        // Never run: the board holds what the test records.
        let monitor = StatusMonitor(
            settings: StatusSettings(
                ollama: OllamaClient(
                    baseURL: "http://127.0.0.1:9", timeouts: OllamaTimeouts(connect: 1, firstToken: 1, total: 1))),
            metrics: UpstreamMetrics(), logger: quietLogger, services: { [] })
        let models = ["qwen2.5-coder:7b", "llama3.2:1b"]
        let now = Date()
        monitor.board.update { status in
            switch poll {
            case .none: break
            case .answered: status.ollamaModels?.record(.success(models), at: now)
            case .failed: status.ollamaModels?.record(.failure(UpstreamFailure("connection refused")), at: now)
            case .failedAfterAnswering:
                status.ollamaModels?.record(.success(models), at: now.addingTimeInterval(-240))
                status.ollamaModels?.record(.failure(UpstreamFailure("connection refused")), at: now)
            }
        }
        let (app, _, _) = try await portalWithProvisioning(monitor: monitor)
        try await app.test(.router) { client in
            let page = try await client.page("/apps/new")
            #expect(page.status == .ok)
            #expect(page.body.contains(expected))
            #expect(page.body.contains("not pulled") == false, "the configured model is listed, or nothing is known")
        }
    }

    @Test("the live feed sleeps until the request changes: nothing is read while it is quiet, and the change arrives")
    func feedWakesOnChange() async throws {
        let statements = Mutex<[String]>([])
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false, startRunner: false,
            traceStatement: { sql in statements.withLock { $0.append(sql) } })
        let router = try await buildRouter(
            state: try platformState(root: repositoryRoot + "/examples/homelab"), provisioning: provisioning,
            resourcesDirectory: repositoryRoot)
        let id = "feed0000quiet"
        _ = try await provisioning.store.create(
            AppRequest(
                id: id, appName: "quiet", engine: "template", model: nil, source: "test",
                spec: AppSpec(name: "quiet", owner: "group:default/platform-team", image: "nginx:1.27"),
                autoPR: false, requestedBy: nil, at: Date()),
            message: "Request received", actedBy: "test")
        try await Application(router: router, logger: quietLogger).test(.router) { client in
            // The runner is stopped: the request stays queued until the test cancels it.
            let feed = Task {
                try await client.execute(uri: "/requests/\(id)/events", method: .get) { String(buffer: $0.body) }
            }
            // Connected once the feed has read the history it had to send.
            let historyRead = { statements.withLock { $0.contains { $0.contains("FROM \"request_events\"") } } }
            for _ in 0..<3000 where !historyRead() { try await Task.sleep(for: .milliseconds(20)) }
            #expect(historyRead())
            try await Task.sleep(for: .milliseconds(300))
            let before = statements.withLock { $0.count }
            // Five polls of the old feed (every 200 ms) would have read the database here.
            try await Task.sleep(for: .seconds(1))
            let quiet = statements.withLock { Array($0.dropFirst(before)) }
            #expect(quiet.isEmpty, "statements run while nothing changed: \(quiet)")

            try await provisioning.store.transition(id, to: .cancelled, message: "Cancelled by the test")
            let stream = try await feed.value
            #expect(stream.contains("\"message\":\"Request received\""))
            #expect(stream.contains("\"message\":\"Cancelled by the test\""))
            #expect(stream.hasSuffix("event: done\ndata: {\"status\":\"cancelled\"}\n\n"))
        }
    }
}

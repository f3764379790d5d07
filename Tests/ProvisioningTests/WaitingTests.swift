import Foundation
import Ollama
import RequestValues
import Store
import Synchronization
import Testing

@testable import Provisioning

/// A service over `store` whose runner never starts: requests stay as the test leaves them.
func idleService(_ store: RequestStore, queueLimit: Int = 50, perUserLimit: Int = 3) -> ProvisioningService {
    let settings = ProvisioningSettings(generationTimeout: 20, queueLimit: queueLimit, perUserLimit: perUserLimit)
    let ollama = OllamaClient(
        baseURL: "http://127.0.0.1:9", timeouts: OllamaTimeouts(connect: 1, firstToken: 1, total: 1))
    let feed = LiveFeed()
    let runner = JobRunner(
        store: store, ollama: ollama, provider: FakeForge(), settings: settings, feed: feed, logger: quietLogger)
    return ProvisioningService(store: store, runner: runner, feed: feed, ollama: ollama, settings: settings)
}

@Suite("Waiting on requests and the limits")
struct WaitingTests {
    static let context = ValidationContext(groups: ["group:default/platform-team"], componentNames: []) { _ in nil }

    /// Sends `count` submits at once (app names web-1...), as `user`; how many were accepted and
    /// how many refused by a limit.
    static func submitAtOnce(_ service: ProvisioningService, count: Int, user: String?) async -> (
        accepted: Int, refused: Int
    ) {
        await withTaskGroup(of: Bool?.self) { group in
            for number in 1...count {
                group.addTask {
                    var fields = templateFields
                    fields["app_name"] = "web-\(number)"
                    do {
                        let result = try await service.submit(
                            fields, source: "test", autoPR: false, requestedBy: user, context: context)
                        return (try? result.get()) != nil
                    } catch is ProvisioningService.QueueFull {
                        return false
                    } catch is ProvisioningService.UserLimitReached {
                        return false
                    } catch {
                        return nil
                    }
                }
            }
            var outcome = (accepted: 0, refused: 0)
            for await accepted in group {
                if accepted == true { outcome.accepted += 1 } else if accepted == false { outcome.refused += 1 }
            }
            return outcome
        }
    }

    @Test(
        "submits sent at once never pass a limit: exactly the free slots are taken",
        arguments: [(queueLimit: 3, perUserLimit: 50, user: String?.none), (50, 2, "alex")])
    func concurrentSubmitsAtTheLimit(queueLimit: Int, perUserLimit: Int, user: String?) async throws {
        let store = try freshStore()
        let service = idleService(store, queueLimit: queueLimit, perUserLimit: perUserLimit)
        let allowed = min(queueLimit, perUserLimit)
        let outcome = await Self.submitAtOnce(service, count: 12, user: user)
        #expect(outcome.accepted == allowed)
        #expect(outcome.refused == 12 - allowed)
        #expect(try await store.activeCount() == allowed)
    }

    @Test("waitUntilSettled wakes on the commit that settles the request, and reads nothing while it waits")
    func waitWakesOnChange() async throws {
        let statements = Mutex<[String]>([])
        let store = try freshStore(traceStatement: { sql in statements.withLock { $0.append(sql) } })
        let service = idleService(store)
        let created = try await store.create(
            AppRequest(
                id: "wait00000001", appName: "web", engine: "template", model: nil, source: "test",
                spec: AppSpec(name: "web", owner: "group:default/platform-team", image: "nginx:1.27"),
                autoPR: false, requestedBy: nil, at: Date()),
            message: "Request received", actedBy: "test")
        let waiting = Task { try await service.waitUntilSettled(created.id, timeout: 600) }
        // Waiting once the observation has read the request.
        let observed = { statements.withLock { $0.contains { $0.contains("max(id)") } } }
        for _ in 0..<3000 where !observed() { try await Task.sleep(for: .milliseconds(20)) }
        #expect(observed())
        try await Task.sleep(for: .milliseconds(300))
        let before = statements.withLock { $0.count }
        // Fifty polls of the old wait (every 20 ms) would have read the request here.
        try await Task.sleep(for: .seconds(1))
        let quiet = statements.withLock { Array($0.dropFirst(before)) }
        #expect(quiet.isEmpty, "statements run while nothing changed: \(quiet)")

        try await store.transition(created.id, to: .failed, message: "Failed for the test") {
            $0.failureReason = "test"
        }
        let settled = try await waiting.value
        #expect(settled.status == .failed)
        #expect(settled.failureReason == "test")
    }
}

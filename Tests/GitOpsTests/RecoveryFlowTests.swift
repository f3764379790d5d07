import FakeUpstreams
import Foundation
import GitOps
import Ollama
import Store
import Synchronization
import Testing

@testable import Provisioning

/// The new-app flow over a fresh database and a real forge client, as the server runs it: a
/// template request with `auto_pr`, so that it goes straight to its pull request.
struct RecoveryFlow {
    static let token = "ghp_r3c0veryT3stT0ken4GitHub0000000000000"
    let store: RequestStore
    let runner: JobRunner
    let service: ProvisioningService

    init(
        store: RequestStore, provider: any GitProvider, clock: any JobClock,
        schedule: ForgeRetrySchedule = ForgeRetrySchedule()
    ) async throws {
        self.store = store
        let settings = ProvisioningSettings(publicURL: "http://portal.test", autoPR: true, forgeRetry: schedule)
        // The template engine never calls the model.
        let ollama = OllamaClient(baseURL: "http://127.0.0.1:9", timeouts: OllamaTimeouts())
        let feed = LiveFeed()
        runner = JobRunner(
            store: store, ollama: ollama, provider: provider, settings: settings, feed: feed, logger: quietLogger,
            clock: clock)
        service = ProvisioningService(store: store, runner: runner, feed: feed, ollama: ollama, settings: settings)
        try await runner.start()
    }

    static func freshStore() throws -> RequestStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-recovery-\(UUID())").path
        let database = try HomeportDatabase(path: folder + "/homeport.sqlite")
        try database.migrate(folder: repositoryRoot + "/migrations")
        return RequestStore(database: database)
    }

    /// GitHub with one call per attempt (no in-process retry), so every failure is a recorded retry.
    static func github(port: Int) throws -> GitHubProvider {
        try GitHubProvider(
            apiURL: "http://127.0.0.1:\(port)", repository: "homelab/platform", token: token,
            retry: RetryPolicy(maxAttempts: 1))
    }

    func submit(prompt: String = "Serve the team's static site") async throws -> AppRequest {
        let fields = [
            "app_name": "web", "owner": "group:default/platform-team", "image": "ghcr.io/homelab/web:1.2.0",
            "port": "3000", "prompt": prompt, "engine": "template",
        ]
        let holder = try await store.holder(ofApp: "web")?.id
        let context = ValidationContext(groups: ["group:default/platform-team"], componentNames: []) {
            $0 == "web" ? holder : nil
        }
        return try await service.submit(fields, source: "test", autoPR: true, requestedBy: "alex", context: context)
            .get()
    }

    /// Waits until the request is in one of `statuses`, for at most `limit`.
    func wait(_ id: String, for statuses: Set<RequestStatus>, limit: Duration = .seconds(30)) async throws
        -> AppRequest
    {
        try await until(limit) { try await store.request(id: id).flatMap { statuses.contains($0.status) ? $0 : nil } }
    }

    func until<T>(_ limit: Duration = .seconds(30), _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try #require(try await check())
    }
}

/// Skips every wait at once, moving its own time forward by it, so backoffs of minutes take none.
final class SkippingClock: JobClock {
    private let offset = Mutex(0.0)

    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func sleep(until deadline: Date) async throws {
        let wait = deadline.timeIntervalSince(now)
        if wait > 0 { offset.withLock { $0 += wait } }
        await Task.yield()
        try Task.checkCancellation()
    }
}

/// Never comes to the end of a wait: the process "dies" during the backoff.
struct StoppedClock: JobClock {
    var now: Date { Date() }

    func sleep(until deadline: Date) async throws {
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}

extension ForgeTests {
    @Suite("Recovering on its own from forge failures")
    struct RecoveryFlowTests {
        @Test("503 five times, then success: pr_opened on its own, each wait recorded and longer than the last")
        func serverErrorsThenSuccess() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                503, method: "GET", path: "/git/ref/heads/main", body: jsonFixture("github/error-server-error.json"),
                times: 5)
            try await serve(fake) { port in
                let flow = try await RecoveryFlow(
                    store: try RecoveryFlow.freshStore(), provider: try RecoveryFlow.github(port: port),
                    clock: SkippingClock())
                let created = try await flow.submit()
                let done = try await flow.wait(created.id, for: [.prOpened, .failed])

                #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
                let retries = try await flow.store.retries(of: created.id)
                #expect(retries.map(\.attempt) == [1, 2, 3, 4, 5])
                #expect(retries.allSatisfy { $0.maxAttempts == 8 && $0.settledAt != nil })
                #expect(retries.allSatisfy { $0.reason.contains("503 Service Unavailable") }, "\(retries)")
                let waits = retries.map(\.waitSeconds)
                #expect(waits[0] >= 15 && waits[0] <= 30, "the first wait is 30 s, jittered down to half")
                #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 <= $1 }, "\(waits)")
                let events = try await flow.store.events(of: created.id).map(\.message)
                #expect(events.filter { $0.contains("; retrying at ") }.count == 5)
                #expect(events.contains { $0.hasSuffix("(attempt 6 of 8)") })
                #expect(await fake.pulls.count == 1)
                await flow.runner.shutdown()
            }
        }

        @Test("a secondary rate limit without Retry-After waits at least a minute, then the PR opens")
        func secondaryRateLimit() async throws {
            let fake = FakeGitHub()
            await fake.inject(
                403, method: "POST", path: "/pulls", body: jsonFixture("github/error-secondary-rate-limit.json"))
            try await serve(fake) { port in
                let flow = try await RecoveryFlow(
                    store: try RecoveryFlow.freshStore(), provider: try RecoveryFlow.github(port: port),
                    clock: SkippingClock())
                let created = try await flow.submit()
                let done = try await flow.wait(created.id, for: [.prOpened, .failed])

                #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
                let retries = try await flow.store.retries(of: created.id)
                #expect(retries.count == 1)
                #expect(retries.first.map { $0.waitSeconds >= 60 } == true, "\(retries)")
                #expect(retries.first?.reason.contains("secondary rate limit") == true)
                #expect(await fake.pulls.count == 1)
                await flow.runner.shutdown()
            }
        }

        @Test("401 fails at once with the reason: no retry, one call")
        func unauthorizedFailsAtOnce() async throws {
            let fake = FakeGitHub()
            await fake.inject(401, body: jsonFixture("github/error-bad-credentials.json"), times: .max)
            try await serve(fake) { port in
                let flow = try await RecoveryFlow(
                    store: try RecoveryFlow.freshStore(), provider: try RecoveryFlow.github(port: port),
                    clock: SkippingClock())
                let created = try await flow.submit()
                let done = try await flow.wait(created.id, for: [.prOpened, .failed])

                #expect(done.status == .failed)
                #expect(done.failureReason?.contains("the token was refused (401)") == true)
                #expect(try await flow.store.retries(of: created.id).isEmpty)
                #expect(await fake.requests.count == 1)
                await flow.runner.shutdown()
            }
        }

        @Test("past retry_attempts the request fails, saying it gave up and why")
        func givesUp() async throws {
            let fake = FakeGitHub()
            await fake.inject(503, body: jsonFixture("github/error-server-error.json"), times: .max)
            try await serve(fake) { port in
                let flow = try await RecoveryFlow(
                    store: try RecoveryFlow.freshStore(), provider: try RecoveryFlow.github(port: port),
                    clock: SkippingClock(), schedule: ForgeRetrySchedule(maxAttempts: 3))
                let created = try await flow.submit()
                let done = try await flow.wait(created.id, for: [.prOpened, .failed])

                #expect(done.status == .failed)
                #expect(
                    done.failureReason?.contains("(gave up after 3 attempts") == true, "\(done.failureReason ?? "")")
                #expect(try await flow.store.retries(of: created.id).count == 2)
                #expect(try await flow.store.pendingRetry(of: created.id) == nil)
                #expect(await fake.requests.count == 3)
                await flow.runner.shutdown()
            }
        }

        @Test("killed during a backoff: the next start on the same database resumes and opens one PR")
        func resumesAfterRestart() async throws {
            let fake = FakeGitHub()
            await fake.inject(502, method: "GET", path: "/git/ref/heads/main", body: ["message": "Bad Gateway"])
            try await serve(fake) { port in
                let store = try RecoveryFlow.freshStore()
                let first = try await RecoveryFlow(
                    store: store, provider: try RecoveryFlow.github(port: port), clock: StoppedClock())
                let created = try await first.submit()
                let pending = try await first.until { try await store.pendingRetry(of: created.id) }
                // Dropped mid-wait, like kill -9: nothing more is written.
                await first.runner.shutdown()
                #expect(try await store.request(id: created.id)?.status == .openingPR)
                #expect(pending.retryAt > Date().addingTimeInterval(10))

                let second = try await RecoveryFlow(
                    store: store, provider: try RecoveryFlow.github(port: port), clock: SkippingClock())
                let done = try await second.wait(created.id, for: [.prOpened, .failed])
                #expect(done.status == .prOpened, "\(done.failureReason ?? "")")
                #expect(try await store.retries(of: created.id).map(\.attempt) == [1])
                #expect(try await store.pendingRetry(of: created.id) == nil)
                let events = try await store.events(of: created.id).map(\.message)
                #expect(events.contains("Opening the pull request again (attempt 2 of 8)"))
                #expect(await fake.pulls.count == 1)
                await second.runner.shutdown()
            }
        }

        @Test("a Cancel during a backoff stops the retry for good")
        func cancelDuringBackoff() async throws {
            let fake = FakeGitHub()
            await fake.inject(503, body: jsonFixture("github/error-server-error.json"))
            try await serve(fake) { port in
                let flow = try await RecoveryFlow(
                    store: try RecoveryFlow.freshStore(), provider: try RecoveryFlow.github(port: port),
                    clock: StoppedClock())
                let created = try await flow.submit()
                _ = try await flow.until { try await flow.store.pendingRetry(of: created.id) }
                _ = try await flow.service.cancel(created.id, by: .anonymous)

                #expect(
                    try await flow.store.pendingRetry(of: created.id) == nil, "leaving opening_pr settles the retry")
                #expect(try await flow.store.request(id: created.id)?.status == .cancelled)
                #expect(await fake.requests.count == 1)
                await flow.runner.shutdown()
            }
        }
    }
}

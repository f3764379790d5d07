import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@_exported import FakeUpstreams


/// The `message.content` of each line of a chat transcript that carries text, in order, up to the
/// first line that is not JSON.
func transcriptTokens(_ name: String) throws -> [String] {
    var tokens: [String] = []
    for line in try transcriptLines(name) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { break }
        if let message = object["message"] as? [String: Any], let content = message["content"] as? String, !content.isEmpty {
            tokens.append(content)
        }
    }
    return tokens
}

let quietLogger: Logger = {
    var logger = Logger(label: "ollama-tests")
    logger.logLevel = .critical
    return logger
}()


/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    start.duration(to: .now) / .seconds(1)
}

/// Runs the jobs of the tasks that prefer it on a thread of its own, in order.
///
/// All tests share Swift's small cooperative pool; when other suites keep it busy, a task that has
/// finished waiting can sit for seconds before it runs again. Timing a limit from such a task would
/// measure the pool, not the limit.
final class OwnThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.name = "ollama-tests-timing"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// One for the whole test run: its thread lives as long as the process.
    static let shared = OwnThreadExecutor()
}

/// Runs `body` on `OwnThreadExecutor`, for timing.
func onOwnThread<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
    await withTaskExecutorPreference(OwnThreadExecutor.shared, operation: body)
}

/// A limit the client checks as data arrives and about once a second while the connection is
/// quiet fires after it has run out, and at most about a second late.
func expectFired(after elapsed: Double, limit: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(elapsed >= limit - 0.05 && elapsed < limit + 1.5, "fired after \(elapsed) s for a \(limit) s limit", sourceLocation: sourceLocation)
}

/// Waits until `condition` holds, checking every 10 ms, for at most `limit`.
func eventually(limit: Duration = .seconds(10), _ condition: () -> Bool) async {
    let deadline = ContinuousClock.now + limit
    while !condition(), ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(10))
    }
}


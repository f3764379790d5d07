@_exported import FakeUpstreams
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

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

/// A limit fires only after it has run out (the client checks it as data arrives and about once a
/// second while the connection is quiet), and long before the fakes give up holding a request
/// (`Gate.wait`, 20 s) — a limit that did not work would end the exchange some other way.
///
/// The upper bound is not a speed measurement: on a machine loaded by parallel builds a thread can
/// wait seconds to run, so it only separates "fired" from "never fired".
func expectFired(after elapsed: Double, limit: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        elapsed >= limit - 0.05 && elapsed < limit + quickEnough, "fired after \(elapsed) s for a \(limit) s limit",
        sourceLocation: sourceLocation)
}

/// Allowance for "promptly" (a limit that fires, a cancellation that ends a transfer): well under the
/// 20 s a fake holds a request and the 30 s and longer limits that must not fire, yet seconds above
/// the latency of a machine under load.
let quickEnough = 10.0

/// Waits until `condition` holds, checking every 10 ms, for at most `limit`.
func eventually(limit: Duration = .seconds(30), _ condition: () -> Bool) async {
    let deadline = ContinuousClock.now + limit
    while !condition(), ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(10))
    }
}

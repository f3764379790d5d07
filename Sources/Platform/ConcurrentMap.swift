import Dispatch
import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `transform` applied to every element on all cores, results in the elements' order. For
    /// independent work at load (parsing files, tokenizing documents), never per request.
    ///
    /// Elements go to the cores `chunk` at a time: many for light work (a file to parse), one for
    /// heavy work (a site of docs to render). Fewer than sixteen chunks' worth stay on the calling
    /// thread: parallelism would not pay, and the Dispatch workers it takes are the ones Swift
    /// concurrency runs every other task on.
    func concurrentMap<T: Sendable>(chunk: Int = 64, _ transform: @Sendable (Element) -> T) -> [T] {
        concurrentMap(chunk: chunk, state: {}, { _, element in transform(element) })
    }

    /// `concurrentMap`, where each chunk's elements share a `State` that `makeState` makes for the
    /// chunk (a cache that is not thread-safe, say): one per chunk, never shared between threads.
    func concurrentMap<T: Sendable, State>(
        chunk: Int = 64, state makeState: @Sendable () -> State, _ transform: @Sendable (inout State, Element) -> T
    ) -> [T] {
        guard count >= 16 * chunk else {
            var state = makeState()
            return map { transform(&state, $0) }
        }
        let chunks = (count + chunk - 1) / chunk
        let results = ResultSlots<T>(count: count)
        self.withUnsafeBufferPointer { elements in
            nonisolated(unsafe) let elements = elements
            DispatchQueue.concurrentPerform(iterations: chunks) { number in
                var state = makeState()
                for index in number * chunk..<Swift.min(count, (number + 1) * chunk) {
                    results.set(index, transform(&state, elements[index]))
                }
            }
        }
        return results.values
    }
}

/// One slot per result, each written by exactly one iteration of `concurrentPerform`.
private final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: T) {
        slots[index] = value
    }

    var values: [T] { slots.map { $0! } }
}

/// Each of `steps` run at the same time, on all cores, their results in order; for a few
/// independent steps of the load.
func concurrently<T: Sendable>(_ steps: [@Sendable () -> T]) -> [T] {
    let results = ResultSlots<T>(count: steps.count)
    DispatchQueue.concurrentPerform(iterations: steps.count) { index in
        results.set(index, steps[index]())
    }
    return results.values
}

/// A step of the load that runs on a Dispatch queue while the loading thread goes on. Started
/// from a queue rather than from `concurrently`, so that the parallel work inside it (the docs'
/// sites) still gets all cores: nested in another parallel step, Dispatch gives it one.
final class BackgroundStep<Value: Sendable>: Sendable {
    private let group = DispatchGroup()
    private let outcome = Mutex<(value: Value, seconds: Double)?>(nil)

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: group) { [self] in
            let clock = ContinuousClock()
            let began = clock.now
            let value = work()
            let seconds = (clock.now - began) / .seconds(1)
            outcome.withLock { $0 = (value, seconds) }
        }
    }

    /// The step's value, once it is done.
    var result: Value {
        group.wait()
        return outcome.withLock { $0!.value }
    }

    /// How long the step took; read after `result`.
    var seconds: Double { outcome.withLock { $0!.seconds } }
}

/// Drops `value` on a background thread rather than the calling one: the last reference goes
/// with the thread's work, which runs once the caller has let go of its own.
func releaseInBackground<Value: Sendable>(_ value: consuming Value) {
    startBackgroundThread { [value] in withExtendedLifetime(value) {} }
}

/// Runs `work` on a new thread at the lowest priority (nice 19): work no page waits for, which
/// the pages answered meanwhile should pass.
func startBackgroundThread(_ work: @escaping @Sendable () -> Void) {
    Thread.detachNewThread {
        // Of this thread only: on Linux each thread has its own nice value, and 0 names the
        // calling one.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        work()
    }
}

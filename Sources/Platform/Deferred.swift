import Dispatch
import Synchronization

/// A part of a snapshot built on a background thread after the snapshot itself, so that the portal
/// starts answering without waiting for it: the rendered docs and the search index, which no page
/// needs to start.
///
/// The build runs on one thread of its own at the lowest priority (nice 19), so that the pages
/// the server answers meanwhile take the CPU first: built on all cores, the docs and the index
/// made the first answers after a start wait for them. A page that asks for the value before it
/// is ready waits for it rather than showing less; the wait suspends the task, never a thread.
public final class Deferred<Value: Sendable>: Sendable {
    private enum State {
        case building(waiters: [CheckedContinuation<Value, Never>])
        case ready(Value)
    }

    private let state = Mutex(State.building(waiters: []))
    /// Left once the value is ready: what `wait` blocks on.
    private let built = DispatchGroup()

    /// Starts `build` at once on a thread of its own, at the lowest priority.
    public init(build: @escaping @Sendable () -> Value) {
        built.enter()
        startBackgroundThread { self.finish(build()) }
    }

    private func finish(_ value: Value) {
        let waiters = state.withLock { state in
            guard case .building(let waiters) = state else { return [CheckedContinuation<Value, Never>]() }
            state = .ready(value)
            return waiters
        }
        built.leave()
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, once built.
    public var value: Value {
        get async {
            if let value = ready { return value }
            return await withCheckedContinuation { continuation in
                let value: Value? = state.withLock { state in
                    switch state {
                    case .ready(let value): return value
                    case .building(var waiters):
                        waiters.append(continuation)
                        state = .building(waiters: waiters)
                        return nil
                    }
                }
                if let value { continuation.resume(returning: value) }
            }
        }
    }

    /// The value if it is built already, else nil.
    public var ready: Value? {
        state.withLock { state in
            if case .ready(let value) = state { return value }
            return nil
        }
    }

    /// The value, blocking the calling thread until it is built: for another part's build, on a
    /// thread of its own (the search index reads the rendered docs), never in a task.
    func wait() -> Value {
        built.wait()
        return ready!
    }
}

import Dispatch
import Synchronization

/// A snapshot's search index, built on a background thread after the snapshot itself, so that
/// the portal starts answering without waiting for it (it is the one part of the snapshot no
/// page but `/search` needs).
///
/// A search asked before it is ready waits for it rather than answering with fewer hits; the wait
/// is short (the build starts with the snapshot) and suspends the task, never a thread.
public final class DeferredSearchIndex: Sendable {
    private enum State {
        case building(waiters: [CheckedContinuation<SearchIndex, Never>])
        case ready(SearchIndex)
    }

    private let state = Mutex(State.building(waiters: []))

    /// Starts `build` at once on a utility-priority Dispatch thread.
    public init(build: @escaping @Sendable () -> SearchIndex) {
        DispatchQueue.global(qos: .utility).async { self.finish(build()) }
    }

    private func finish(_ index: SearchIndex) {
        let waiters = state.withLock { state in
            guard case .building(let waiters) = state else { return [CheckedContinuation<SearchIndex, Never>]() }
            state = .ready(index)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: index) }
    }

    /// The index, once built.
    public var index: SearchIndex {
        get async {
            if let index = ready { return index }
            return await withCheckedContinuation { continuation in
                let index: SearchIndex? = state.withLock { state in
                    switch state {
                    case .ready(let index): return index
                    case .building(var waiters):
                        waiters.append(continuation)
                        state = .building(waiters: waiters)
                        return nil
                    }
                }
                if let index { continuation.resume(returning: index) }
            }
        }
    }

    /// The index if it is built already, else nil.
    public var ready: SearchIndex? {
        state.withLock { state in
            if case .ready(let index) = state { return index }
            return nil
        }
    }

    /// `SearchIndex.search` on the index, once built.
    public func search(_ query: String, kind: String? = nil, limit: Int = 50) async -> SearchResults {
        await index.search(query, kind: kind, limit: limit)
    }
}

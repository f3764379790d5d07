import Synchronization

/// The output of each attempt that is streaming right now, so live pages can show tokens as they
/// arrive and a page that connects (or reconnects) late can catch up. Finished attempts live in
/// the database; this holds only what is in flight.
public final class LiveFeed: Sendable {
    private struct State {
        var output: [String: (attempt: Int, text: String, length: Int)] = [:]
        /// Who waits for each request's output to change, by a number of their own.
        var watchers: [String: [Int: AsyncStream<Void>.Continuation]] = [:]
        var nextWatcher = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The attempt now streaming for a request, its text so far, and that text's length in characters.
    public func currentOutput(of requestID: String) -> (attempt: Int, text: String, length: Int)? {
        state.withLock { $0.output[requestID] }
    }

    /// Yields each time a request's output changes (an attempt starts, grows or ends), until the
    /// caller stops iterating. Changes that come while the caller is busy make one element.
    public func changes(of requestID: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let number = state.withLock { state in
            state.nextWatcher += 1
            state.watchers[requestID, default: [:]][state.nextWatcher] = continuation
            return state.nextWatcher
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.watchers[requestID]?[number] = nil
                if state.watchers[requestID]?.isEmpty == true { state.watchers[requestID] = nil }
            }
        }
        return stream
    }

    func startAttempt(_ attempt: Int, of requestID: String) {
        change(requestID) { $0 = (attempt, "", 0) }
    }

    func append(_ token: String, to requestID: String) {
        change(requestID) { current in
            current?.text += token
            current?.length += token.count
        }
    }

    func finishAttempt(of requestID: String) {
        change(requestID) { $0 = nil }
    }

    private func change(_ requestID: String, _ update: (inout (attempt: Int, text: String, length: Int)?) -> Void) {
        let watchers = state.withLock { state in
            update(&state.output[requestID])
            return state.watchers[requestID].map { Array($0.values) } ?? []
        }
        for watcher in watchers { watcher.yield() }
    }
}

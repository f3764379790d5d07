import Synchronization

/// The output of each attempt that is streaming right now, so live pages can show tokens as they
/// arrive and a page that connects (or reconnects) late can catch up. Finished attempts live in
/// the database; this holds only what is in flight.
public final class LiveFeed: Sendable {
    private let output = Mutex([String: (attempt: Int, text: String, length: Int)]())

    public init() {}

    /// The attempt now streaming for a request, its text so far, and that text's length in characters.
    public func currentOutput(of requestID: String) -> (attempt: Int, text: String, length: Int)? {
        output.withLock { $0[requestID] }
    }

    func startAttempt(_ attempt: Int, of requestID: String) {
        output.withLock { $0[requestID] = (attempt, "", 0) }
    }

    func append(_ token: String, to requestID: String) {
        output.withLock { output in
            guard var current = output[requestID] else { return }
            current.text += token
            current.length += token.count
            output[requestID] = current
        }
    }

    func finishAttempt(of requestID: String) {
        output.withLock { _ = $0.removeValue(forKey: requestID) }
    }
}

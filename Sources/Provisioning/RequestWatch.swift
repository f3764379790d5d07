import Store
import Synchronization

/// Follows one request for a live page without polling: `rings` yields after each committed
/// change of the request (its row or a new event; a database observation) and each change of its
/// streaming output, one element for all that came while the page was busy; `take()` then says
/// what changed since the page last looked. It never wakes on a timer of its own.
public final class RequestWatch: Sendable {
    /// What changed since the last `take()`.
    public struct Change: Sendable {
        /// The request's newest progress, when it changed.
        public var progress: RequestProgress?
        /// The streaming output changed (always true at the first look).
        public var output: Bool
    }

    /// One element per look to take; ends after `finish()`, or when the request can no longer be
    /// followed (the database observation failed).
    public let rings: AsyncStream<Void>
    private let bell: AsyncStream<Void>.Continuation
    private let pending = Mutex(Change(progress: nil, output: true))
    private let followers = Mutex<[Task<Void, Never>]>([])

    init(_ id: String, store: RequestStore, feed: LiveFeed) {
        let (rings, bell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.rings = rings
        self.bell = bell
        let database = Task { [weak self] in
            do {
                for try await progress in store.progress(of: id) {
                    guard let progress else { break }
                    self?.note { $0.progress = progress }
                }
            } catch {}
            self?.finish()
        }
        let output = Task { [weak self] in
            for await _ in feed.changes(of: id) {
                self?.note { $0.output = true }
            }
        }
        followers.withLock { $0 = [database, output] }
    }

    deinit {
        finish()
    }

    /// What changed since the last call, and forgets it.
    public func take() -> Change {
        pending.withLock { pending in
            defer { pending = Change(progress: nil, output: false) }
            return pending
        }
    }

    /// Makes `rings` yield once more with nothing changed (a page's keep-alive).
    public func ring() {
        bell.yield()
    }

    /// Stops following: `rings` ends.
    public func finish() {
        for task in followers.withLock({ $0 }) { task.cancel() }
        bell.finish()
    }

    private func note(_ change: (inout Change) -> Void) {
        pending.withLock { change(&$0) }
        bell.yield()
    }
}

import GRDB
import Synchronization

/// Counts the committed transactions that changed app requests (or their events and attempts),
/// so that a page showing requests can be kept until the count moves.
public final class RequestChanges: Sendable {
    private let count = Mutex(0)
    private let observation = Mutex<AnyDatabaseCancellable?>(nil)

    init(pool: DatabasePool) {
        // Called on the writer's queue right after each commit, before the write returns.
        let cancellable = DatabaseRegionObservation(
            tracking: Table("app_requests"), Table("request_events"), Table("generation_attempts")
        )
        .start(in: pool, onError: { _ in }, onChange: { [weak self] _ in self?.count.withLock { $0 += 1 } })
        observation.withLock { $0 = cancellable }
    }

    public var current: Int { count.withLock { $0 } }
}

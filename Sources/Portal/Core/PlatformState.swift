import Atomics
import CMalloc
import Foundation
import Logging
import Platform

/// The snapshot pages read, swapped atomically on reload so that requests never wait on a lock
/// and never see half a rebuild.
public final class PlatformState: Sendable {
    /// What the last reload attempt left behind, shown on the errors page.
    ///
    /// A class, so that a request takes it with one reference count: copying the snapshot's
    /// forty-odd arrays and dictionaries, which every request's thread counted up and down on the
    /// same cache lines, cost a cached page more than its lookup.
    public final class Current: AtomicReference, Sendable {
        public let snapshot: PlatformSnapshot
        /// Set when the newest reload failed and the snapshot is an older one.
        public let reloadFailure: ReloadFailure?
        /// Pages rendered from this snapshot; a swap starts an empty one.
        let pageCache = PageCache()

        init(snapshot: PlatformSnapshot, reloadFailure: ReloadFailure?) {
            self.snapshot = snapshot
            self.reloadFailure = reloadFailure
        }
    }

    public struct ReloadFailure: Sendable {
        public var at: Date
        public var reason: String
    }

    private let box: ManagedAtomic<Current>
    private let loader: PlatformLoader
    private let logger: Logger

    /// Loads the platform once; fails only when the platform repository cannot be read at all.
    public init(loader: PlatformLoader, logger: Logger) throws(PlatformUnavailable) {
        self.loader = loader
        self.logger = logger
        let snapshot = try loader.load()
        box = ManagedAtomic(Current(snapshot: snapshot, reloadFailure: nil))
        Self.log(snapshot, logger: logger)
    }

    public var current: Current { box.load(ordering: .acquiring) }
    public var snapshot: PlatformSnapshot { current.snapshot }

    /// Rebuilds the snapshot from disk; on failure the previous snapshot keeps serving.
    @discardableResult
    public func reload() -> Result<PlatformSnapshot, PlatformUnavailable> {
        do {
            let snapshot = try loader.load()
            box.store(Current(snapshot: snapshot, reloadFailure: nil), ordering: .releasing)
            Self.log(snapshot, logger: logger)
            return .success(snapshot)
        } catch {
            let previous = current.snapshot
            box.store(
                Current(snapshot: previous, reloadFailure: ReloadFailure(at: Date(), reason: error.reason)),
                ordering: .releasing)
            logger.error(
                "platform reload failed; still serving the snapshot of \(previous.loadedAt)",
                metadata: ["reason": "\(error.reason)"])
            return .failure(error)
        }
    }

    /// Load problems logged one by one; past them, one line gives the rest's count. One central
    /// file gone wrong leaves every reference to its entities dangling (123,000 problems at
    /// 50,000 components), and a line for each took longer than the load itself.
    static let loggedProblems = 20

    private static func log(_ snapshot: PlatformSnapshot, logger: Logger) {
        logger.info(
            "platform loaded",
            metadata: [
                "entities": "\(snapshot.catalog.entities.count)",
                "adrs": "\(snapshot.adrs.count)",
                "problems": "\(snapshot.problems.count)",
                "seconds": "\(String(format: "%.3f", snapshot.buildSeconds))",
            ])
        logger.debug(
            "platform load phases",
            metadata: Dictionary(
                uniqueKeysWithValues: snapshot.phases.map { ($0.name, "\(String(format: "%.3f", $0.seconds)) s") }))
        for problem in snapshot.problems.prefix(loggedProblems) {
            logger.warning("load problem: \(problem)")
        }
        if snapshot.problems.count > loggedProblems {
            logger.warning(
                "\(snapshot.problems.count - loggedProblems) more load problems: /-/errors lists them all, as does homeport check"
            )
        }
        // The search index builds in the background, the load's last step; say when it is ready
        // (and how long it took).
        let search = snapshot.search
        Task.detached(priority: .utility) {
            let started = ContinuousClock.now
            _ = await search.value
            // The load and the index parse and tokenize into scratch memory they then drop:
            // tens of MiB that glibc would keep in its heaps. Hand them back, once per load.
            hp_release_free_memory()
            logger.debug("search index ready", metadata: ["seconds": "\(started.duration(to: .now))"])
        }
    }
}

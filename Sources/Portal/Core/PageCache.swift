import Auth
import Hummingbird
import Platform
import Synchronization

/// Pages of one snapshot rendered once and then served as they are, so that a page costs a
/// template render only the first time it is asked for.
///
/// It lives next to its snapshot in `PlatformState`, so a reload drops it with the snapshot.
/// Only pages that depend on nothing but the snapshot, what their key names and the signed-in user
/// (the layout names them) belong here: no page with a form (its CSRF token is per browser); a
/// search page names in its key how many changes app requests had seen, as it shows requests too.
/// Bounded by the bytes it holds; past that the oldest pages go first.
///
/// It also remembers which request target (path and query, as sent) and user each page answered,
/// so that `PageReplay` can answer the same request again before the router.
final class PageCache: Sendable {
    /// A page, named by what was asked rather than how the URL spelled it.
    enum Key: Hashable, Sendable {
        /// Pages that show live status name the status board's revision they were rendered from.
        case overview(statusRevision: Int, requestRevision: Int)
        case catalog(CatalogQuery)
        case entity(EntityRef, statusRevision: Int)
        case adrIndex
        case adr(String)
        /// An entity's documentation page, by its path under `/docs`.
        case docs(EntityRef, page: String)
        case apiDefinition(EntityRef)
        /// A decision record kept beside an entity.
        case entityADR(EntityRef, id: String)
        /// The query as shown, and the count of changes to app requests when it was answered.
        case search(text: String, kind: String?, requestChanges: Int)

        /// The key with its revisions left out: once a page of a newer revision is stored, the
        /// older one is never asked for again.
        var family: Key {
            switch self {
            case .overview: return .overview(statusRevision: 0, requestRevision: 0)
            case .entity(let ref, _): return .entity(ref, statusRevision: 0)
            case .search(let text, let kind, _): return .search(text: text, kind: kind, requestChanges: 0)
            case .catalog, .adrIndex, .adr, .docs, .apiDefinition, .entityADR: return self
            }
        }
    }

    static let defaultCapacity = 32 << 20

    /// A page as one user sees it: the layout says who is signed in.
    private struct Stored: Hashable {
        var key: Key
        var user: String?
    }

    /// A GET request a page answered: its path and query as sent, and who sent it.
    struct Target: Hashable, Sendable {
        var path: String
        var user: String?
    }

    /// A page as `PageReplay` sends it again: its key (whose revisions must still be current),
    /// the route that rendered it, for `/metrics`, and its bodies.
    struct Replay {
        var key: Key
        var route: String
        var plain: ByteBuffer
        var gzipped: ByteBuffer?
    }

    /// At most this many targets are remembered, the oldest forgotten first (a forgotten target
    /// costs one routed request to learn again), each at most `targetLength` bytes long: at most
    /// 4 MiB of them.
    static let targetCapacity = 4096
    static let targetLength = 1024

    /// A page's bytes as sent, plain and gzipped.
    private struct Bodies {
        var plain: ByteBuffer
        var gzipped: ByteBuffer?
        var size: Int { plain.readableBytes + (gzipped?.readableBytes ?? 0) }
    }

    private struct Entries {
        var pages: [Stored: Bodies] = [:]
        /// Keys oldest first; some may be gone already (replaced by a newer revision).
        var order = InsertionOrder<Stored>()
        var bytes = 0
        /// The page stored last of each family (per user). Under a stream of submissions the
        /// overview's request revision moves every few milliseconds, and its dead revisions
        /// filled the cache to its capacity (32 MiB resident after bench/load).
        var latest: [Stored: Stored] = [:]
        /// The page each target was answered with, and the route that rendered it.
        var targets: [Target: (page: Stored, route: String)] = [:]
        /// Targets oldest first.
        var targetOrder = InsertionOrder<Target>()

        mutating func remember(_ target: Target, answeredBy page: Stored, route: String) {
            guard target.path.utf8.count <= PageCache.targetLength else { return }
            if targets[target] == nil {
                if targets.count >= PageCache.targetCapacity, let oldest = targetOrder.removeOldest() {
                    targets[oldest] = nil
                }
                targetOrder.append(target)
            } else if targets[target]?.page == page {
                return
            }
            targets[target] = (page, route)
        }

        mutating func remove(_ key: Stored) {
            bytes -= pages.removeValue(forKey: key)?.size ?? 0
            let family = Stored(key: key.key.family, user: key.user)
            if family != key, latest[family] == key { latest[family] = nil }
        }
    }

    private let entries = Mutex(Entries())
    let capacity: Int

    init(capacity: Int = PageCache.defaultCapacity) {
        self.capacity = capacity
    }

    /// The page for `key` as `user` sees it, rendered by `render` the first time. Two requests
    /// missing at once may both render; the page is the same. A GET for `path`, answered by
    /// `route`, is remembered with the page for `replay`.
    func page(
        _ key: Key, user: Identity?, answering get: (path: String, route: String)? = nil,
        render: () async throws -> HTMLPage
    ) async rethrows -> HTMLPage {
        let key = Stored(key: key, user: user?.name)
        let remembered = get.map { (Target(path: $0.path, user: key.user), $0.route) }
        let hit = entries.withLock { entries -> Bodies? in
            guard let bodies = entries.pages[key] else { return nil }
            if let (target, route) = remembered { entries.remember(target, answeredBy: key, route: route) }
            return bodies
        }
        if let hit {
            return HTMLPage(body: hit.plain, gzipped: hit.gzipped)
        }
        let page = try await render()
        // The renderer knows whether the page asked for a CSRF token; the page's text does not
        // (a search for "csrf_token" shows those words), so no check may read it.
        guard page.status == .ok, !page.carriesCSRFToken, page.body.readableBytes <= capacity else { return page }
        store(Bodies(plain: page.body, gzipped: page.gzipped), for: key, answering: remembered)
        if page.gzipped == nil {
            // Compressed after the answer, off its path: zlib takes 4 ms for the largest entity
            // page. Until then a request that accepts gzip has the page compressed as it is sent.
            Task.detached(priority: .utility) { [self] in
                guard let gzipped = page.compressed else { return }
                entries.withLock { entries in
                    guard let stored = entries.pages[key], stored.gzipped == nil else { return }
                    entries.pages[key]?.gzipped = gzipped
                    entries.bytes += gzipped.readableBytes
                }
            }
        }
        return page
    }

    /// The page `target` was last answered with, if it is still held.
    func replay(_ target: Target) -> Replay? {
        entries.withLock { entries in
            guard let (page, route) = entries.targets[target], let bodies = entries.pages[page] else { return nil }
            return Replay(key: page.key, route: route, plain: bodies.plain, gzipped: bodies.gzipped)
        }
    }

    private func store(_ bodies: Bodies, for key: Stored, answering target: (Target, route: String)?) {
        entries.withLock { entries in
            guard entries.pages[key] == nil else { return }
            let family = Stored(key: key.key.family, user: key.user)
            let revisioned = family != key
            if revisioned, let previous = entries.latest[family] { entries.remove(previous) }
            while entries.bytes + bodies.size > capacity, let oldest = entries.order.removeOldest() {
                entries.remove(oldest)
            }
            entries.pages[key] = bodies
            entries.order.append(key)
            entries.bytes += bodies.size
            if revisioned { entries.latest[family] = key }
            if let (target, route) = target { entries.remember(target, answeredBy: key, route: route) }
        }
    }

    /// Pages held and their bytes, for `/metrics` and tests.
    var usage: (pages: Int, bytes: Int) {
        entries.withLock { ($0.pages.count, $0.bytes) }
    }
}

/// Keys oldest first: a queue whose front is taken by moving an index, the array compacted once
/// most of it is taken.
private struct InsertionOrder<Key> {
    private var keys: [Key] = []
    private var head = 0

    mutating func append(_ key: Key) {
        if head > 64, head * 2 > keys.count {
            keys.removeFirst(head)
            head = 0
        }
        keys.append(key)
    }

    mutating func removeOldest() -> Key? {
        guard head < keys.count else { return nil }
        head += 1
        return keys[head - 1]
    }
}

extension PageCache {
    /// The page for `key` as the sender of `request` sees it; a GET is remembered for `replay`.
    func page(
        _ key: Key, for request: Request, context: PortalRequestContext, render: () async throws -> HTMLPage
    ) async rethrows -> HTMLPage {
        let get = request.method == .get ? request.head.path.map { ($0, context.endpointPath ?? "") } : nil
        return try await page(key, user: context.identity, answering: get, render: render)
    }
}

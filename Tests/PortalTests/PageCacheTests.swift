import Hummingbird
import Testing

@testable import Portal

@Suite("The page cache")
struct PageCacheTests {
    @Test("a page rendered for a newer revision replaces the older one at once; other pages stay")
    func newerRevisionReplacesOlder() async {
        let cache = PageCache()
        for revision in 0..<100 {
            _ = await cache.page(.overview(statusRevision: 1, requestRevision: revision), user: nil) {
                HTMLPage(html: "<p>overview \(revision)</p>")
            }
        }
        _ = await cache.page(.adrIndex, user: nil) { HTMLPage(html: "<p>decisions</p>") }
        _ = await cache.page(.search(text: "pay", kind: nil, requestChanges: 1), user: nil) {
            HTMLPage(html: "<p>pay 1</p>")
        }
        _ = await cache.page(.search(text: "pay", kind: nil, requestChanges: 2), user: nil) {
            HTMLPage(html: "<p>pay 2</p>")
        }
        _ = await cache.page(.search(text: "postgres", kind: nil, requestChanges: 2), user: nil) {
            HTMLPage(html: "<p>postgres</p>")
        }
        #expect(cache.usage.pages == 4, "the newest overview, the ADR index and the newest page of each search")

        let newest = await cache.page(.overview(statusRevision: 1, requestRevision: 99), user: nil) {
            Issue.record("the newest overview was rendered again")
            return HTMLPage(html: "")
        }
        #expect(String(buffer: newest.body) == "<p>overview 99</p>")
        let decisions = await cache.page(.adrIndex, user: nil) {
            Issue.record("the ADR index was rendered again")
            return HTMLPage(html: "")
        }
        #expect(String(buffer: decisions.body) == "<p>decisions</p>")
    }

    @Test("the request targets kept for the replay are bounded: the oldest go first, and long ones are not kept")
    func targetsBounded() async {
        let cache = PageCache()
        func ask(_ path: String) async {
            _ = await cache.page(.adrIndex, user: nil, answering: (path, "/adr")) { HTMLPage(html: "<p>decisions</p>") }
        }
        for number in 0..<(PageCache.targetCapacity + 10) {
            await ask("/adr?n=\(number)")
        }
        #expect(cache.replay(.init(path: "/adr?n=0", user: nil)) == nil, "the oldest target is forgotten")
        #expect(cache.replay(.init(path: "/adr?n=9", user: nil)) == nil)
        #expect(cache.replay(.init(path: "/adr?n=10", user: nil))?.route == "/adr")
        #expect(cache.replay(.init(path: "/adr?n=\(PageCache.targetCapacity + 9)", user: nil)) != nil)
        let long = "/adr?q=" + String(repeating: "x", count: PageCache.targetLength)
        await ask(long)
        #expect(cache.replay(.init(path: long, user: nil)) == nil)
        #expect(cache.replay(.init(path: "/adr?n=10", user: nil)) != nil, "a long target evicts nothing")
        #expect(cache.replay(.init(path: "/adr?n=10", user: "alice")) == nil, "targets are per user")
    }
}

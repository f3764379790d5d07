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
}

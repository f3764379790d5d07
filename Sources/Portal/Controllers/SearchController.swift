import Hummingbird
import Platform
import Store

/// `/search?q=&kind=`: the snapshot's index, plus app requests from the database.
struct SearchController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let store: RequestStore

    /// Hits shown on the page; the kind links narrow a longer list.
    static var limit: Int { 20 }

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/search", use: search)
        return routes
    }

    /// A page is rendered again only when the query, the snapshot or an app request changed.
    @Sendable func search(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        // Read as a form: the search boxes send spaces as "+".
        let fields = RequestBodies.parseForm(request.uri.query ?? "")
        let text = String((fields["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let kind = fields["kind"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
        // Read before the requests: a page is never older than its key.
        let key = PageCache.Key.search(text: text, kind: kind, requestChanges: store.changes.current)
        // Just after a start or a reload the index may still be building: wait for it.
        let index = await current.snapshot.search.value
        return try await current.pageCache.page(key, for: request, context: context) {
            let requests = try await store.search(words: SearchIndex.words(in: text), limit: Self.limit)
            var results = index.search(text, kind: kind, limit: Self.limit)
            results.merge(
                RequestSearch.documents(requests).search(text, kind: kind, limit: Self.limit), limit: Self.limit)
            let model = SearchModel(text: text, kind: kind, results: results)
            return pages.page(
                "search", model, title: text.isEmpty ? "Search" : "Search: \(text)", section: .none,
                snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
        }
    }
}

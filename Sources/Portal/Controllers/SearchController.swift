import Hummingbird
import Platform
import Store

/// `/search?q=&kind=`: the snapshot's index, plus app requests from the database.
struct SearchController<Context: RequestContext> {
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

    @Sendable func search(_ request: Request, context: Context) async throws -> HTMLPage {
        let snapshot = state.snapshot
        // Read as a form: the search boxes send spaces as "+".
        let fields = RequestBodies.parseForm(request.uri.query ?? "")
        let text = String((fields["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        let kind = fields["kind"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
        var results = snapshot.search.search(text, kind: kind, limit: Self.limit)
        let requestResults = RequestSearch.documents(try store.search(words: SearchIndex.words(in: text), limit: Self.limit))
            .search(text, kind: kind, limit: Self.limit)
        results.merge(requestResults, limit: Self.limit)
        let model = SearchModel(text: text, kind: kind, results: results)
        return pages.page("search", model, title: text.isEmpty ? "Search" : "Search: \(text)", section: .none, snapshot: snapshot)
    }
}

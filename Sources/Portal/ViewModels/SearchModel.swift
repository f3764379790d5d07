import Foundation
import Platform
import Provisioning
import SiteURL
import Store

/// `/search`: ranked hits with marked titles and snippets, and links that keep one kind.
struct SearchModel: Sendable {
    struct Hit: Sendable {
        var title: [Part]
        var href: String
        var kind: String
        var detail: String
        var snippet: [Part]
        /// Service links lead out of the portal.
        var isExternal: Bool
    }

    /// A run of a title or snippet; marked runs are what the query matched.
    struct Part: Sendable {
        var text: String
        var isMatch: Bool

        init(_ part: TextPart) {
            text = part.text
            isMatch = part.isMatch
        }
    }

    struct KindLink: Sendable {
        var label: String
        var count: Int
        var href: String
        var current: Bool
    }

    var text: String
    var hasQuery: Bool
    var hits: [Hit]
    var kinds: [KindLink]
    var summary: String

    init(text: String, kind: String?, results: SearchResults) {
        self.text = text
        hasQuery = !text.isEmpty
        hits = results.hits.map { hit in
            Hit(
                title: hit.title.map(Part.init), href: hit.document.href, kind: Self.label(hit.document.kind),
                detail: hit.document.detail,
                snippet: hit.snippet.map(Part.init), isExternal: hit.document.kind == "service")
        }
        let all = results.kindCounts.reduce(0) { $0 + $1.count }
        kinds =
            [
                KindLink(
                    label: "All", count: all, href: SiteURL.search.with([("q", text)]), current: kind == nil
                )
            ]
            + results.kindCounts.map { item in
                KindLink(
                    label: Self.label(item.kind), count: item.count,
                    href: SiteURL.search.with([("q", text), ("kind", item.kind)]),
                    current: item.kind == kind)
            }
        let shown = results.hits.count < results.total ? "the best \(results.hits.count) of " : ""
        summary =
            results.total == 0
            ? "Nothing matches “\(text)”."
            : "Showing \(shown)\(results.total) result\(results.total == 1 ? "" : "s") for “\(text)”."
    }

    static func label(_ kind: String) -> String {
        switch kind {
        case "adr": return "Decision"
        case "docs": return "Documentation"
        case "service": return "Service link"
        case "request": return "Request"
        default: return EntityKind(rawValue: kind)?.displayName ?? kind
        }
    }
}

/// App requests as search documents, ranked with the same rules as the snapshot's.
enum RequestSearch {
    static func documents(_ requests: [AppRequest]) -> SearchIndex {
        SearchIndex(
            documents: requests.map { request in
                let spec = try? request.spec()
                return SearchDocument(
                    kind: "request", title: request.appName, href: SiteURL.request(id: request.id).path,
                    detail: "\(request.id) · \(request.status.rawValue)",
                    fields: [
                        .init(request.appName, weight: 10, isQuotable: false),
                        .init(request.id, weight: 8, isQuotable: false),
                        .init(spec?.description ?? "", weight: 3), .init(spec?.prompt ?? "", weight: 2),
                        .init(
                            [spec?.owner, spec?.image, request.requestedBy, request.prURL].compactMap { $0 }.joined(
                                separator: " "), weight: 2),
                    ]
                )
            })
    }
}

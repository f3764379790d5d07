import Auth
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Status
import Store
import Synchronization

/// Answers a GET for a page the page cache holds again, the way the router answered it, without
/// the router: `PageReplayHandler` asks it for every request on the connection's event loop.
///
/// Under load a cached page cost little of its own: most of its CPU was the trip through
/// Hummingbird (the request handed to a task on another thread, the middleware chain, the
/// router's tree, the response handed back), twice what nginx spends on the same bytes. The
/// replay answers from what the first, routed request left in the page cache: the page, the
/// route, and the revisions its key names, which must still be the newest.
///
/// It sends what the router would have: the page's headers (`HTMLPage.headers`), the security
/// headers, a fresh request id, `Date` and `Server`, and it counts the request in `/metrics`.
/// Whatever else a request needs goes through the router: a method other than GET, a body,
/// `Connection: close`, an `Authorization` header, a sender the authenticator refuses, a page not held or of an older revision,
/// gzip asked for before the gzipped body is ready.
struct PageReplay: Sendable {
    let state: PlatformState
    let status: StatusBoard
    let requestChanges: RequestChanges
    let authenticator: Authenticator
    let metrics: PortalMetrics
    let serverName: String
    let dates = HTTPDates()

    /// The answer to `request`, or nil when the router must answer it.
    func response(to request: HTTPRequest, peer: @autoclosure () -> String?) -> (head: HTTPResponse, body: ByteBuffer)?
    {
        let started = ContinuousClock.now
        let fields = request.headerFields
        // API tokens are for scripts, and checking one may read the tokens file: not on the event loop.
        guard request.method == .get, let path = request.path, Self.keepsAlive(fields[values: .connection]),
            fields[.transferEncoding] == nil, fields[.contentLength] == nil || fields[.contentLength] == "0",
            fields[.authorization] == nil
        else { return nil }
        let user: String?
        switch authenticator.identify(
            headers: { name in HTTPField.Name(name).map { fields[values: $0] } ?? [] }, peer: peer())
        {
        case .user(let identity): user = identity.name
        case .anonymous where authenticator.allowsAnonymous(write: false): user = nil
        default: return nil
        }
        guard let page = state.current.pageCache.replay(.init(path: path, user: user)), isCurrent(page.key) else {
            return nil
        }
        let gzipped = AcceptEncoding.allowsGzip(fields[.acceptEncoding])
        guard let body = gzipped ? page.gzipped : page.plain else { return nil }
        var headers = HTMLPage.headers(for: body, gzipped: gzipped)
        headers.append(contentsOf: securityHeaderFields)
        headers.append(HTTPField(name: .requestID, value: RequestID().description))
        headers.append(HTTPField(name: .date, value: dates.now))
        headers.append(HTTPField(name: .server, value: serverName))
        metrics.record(route: page.route, method: "GET", status: 200, seconds: started.duration(to: .now) / .seconds(1))
        return (HTTPResponse(status: .ok, headerFields: headers), body)
    }

    /// Whether `Connection` asks for nothing but the default, keep-alive (browsers send it): a
    /// `close` or an `Upgrade` is the router's to handle.
    private static func keepsAlive(_ connection: [String]) -> Bool {
        connection.allSatisfy { value in
            value.split(separator: ",").allSatisfy {
                $0.trimmingCharacters(in: .whitespaces).lowercased() == "keep-alive"
            }
        }
    }

    /// Whether the revisions `key` names are the ones its controller would name now.
    private func isCurrent(_ key: PageCache.Key) -> Bool {
        switch key {
        case .overview(let statusRevision, let requestRevision):
            statusRevision == status.revision && requestRevision == requestChanges.current
        case .entity(_, let statusRevision): statusRevision == status.revision
        case .search(_, _, let changes): changes == requestChanges.current
        case .catalog, .adrIndex, .adr, .docs, .apiDefinition, .entityADR: true
        }
    }
}

/// The `Date` header's value (RFC 9110's IMF-fixdate), made once a second.
final class HTTPDates: Sendable {
    private let cached = Mutex<(second: time_t, text: String)>((-1, ""))

    var now: String {
        let second = time(nil)
        return cached.withLock { cached in
            if cached.second != second { cached = (second, Self.format(second)) }
            return cached.text
        }
    }

    static func format(_ second: time_t) -> String {
        var second = second
        var parts = tm()
        gmtime_r(&second, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return
            "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}

/// The portal's pages that code links to, and their paths: every link to a page is built here, as
/// the Swift Package Index builds its links with its `SiteURL`. The router's patterns
/// (the controllers' `addRoutes`) are the other half; `PageRoutesTests` checks that each case's
/// path is answered.
///
/// Its own module because `Platform` links pages too: it renders ADRs and TechDocs once, at load,
/// and their cross-links must already point at the portal's pages. Links that never change
/// (the navigation, the forms' actions) stay written in the templates.
public enum SiteURL: Sendable, Hashable {
    case overview
    case catalog
    /// A catalog entity's page.
    case entity(Entity)
    /// A page of an entity's TechDocs: `""` for the index, else the page's path (`guides/setup`).
    case entityDocs(Entity, page: String)
    /// The entity's API definition.
    case entityDefinition(Entity)
    /// A record of the ADR folder an entity names for itself.
    case entityADR(Entity, id: String)
    /// The platform's ADR folder, and one of its records.
    case adrs
    case adr(id: String)
    case inventory
    case observability
    case diagnostics
    case search
    case newApp
    case requests
    case request(id: String)
    /// The JSON of one request in the API.
    case apiRequest(id: String)
    case errors

    /// The path segments of a catalog entity, lower-cased as `EntityRef` keeps them.
    public struct Entity: Sendable, Hashable {
        public var kind: String
        public var namespace: String
        public var name: String

        public init(kind: String, namespace: String, name: String) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }
    }

    public var path: String {
        switch self {
        case .overview: return "/"
        case .catalog: return "/catalog"
        case .entity(let entity): return "/catalog/\(entity.kind)/\(entity.namespace)/\(entity.name)"
        case .entityDocs(let entity, let page):
            let docs = SiteURL.entity(entity).path + "/docs"
            return page.isEmpty
                ? docs : docs + "/" + page.split(separator: "/").map(Self.segment).joined(separator: "/")
        case .entityDefinition(let entity): return SiteURL.entity(entity).path + "/definition"
        case .entityADR(let entity, let id): return SiteURL.entity(entity).path + "/adr/" + Self.segment(id)
        case .adrs: return "/adr"
        case .adr(let id): return "/adr/" + Self.segment(id)
        case .inventory: return "/inventory"
        case .observability: return "/observability"
        case .diagnostics: return "/diagnostics"
        case .search: return "/search"
        case .newApp: return "/apps/new"
        case .requests: return "/requests"
        case .request(let id): return "/requests/" + Self.segment(id)
        case .apiRequest(let id): return "/api/v1/requests/" + Self.segment(id)
        case .errors: return "/-/errors"
        }
    }

    /// The path with a query; parameters whose value is nil are left out.
    public func with(_ parameters: [(String, String?)]) -> String {
        let query = parameters.compactMap { name, value in value.map { "\(name)=\(Self.encode($0))" } }
            .joined(separator: "&")
        return query.isEmpty ? path : "\(path)?\(query)"
    }

    /// Percent-encodes everything but unreserved characters, so `+` in a tag survives the round trip.
    public static func encode(_ value: String) -> String {
        percentEncoded(value, keeping: isUnreserved)
    }

    /// One path segment, encoded so that `/`, `?` and `#` in it cannot change the path: what
    /// Foundation's `urlPathAllowed` keeps, but `/`.
    private static func segment(_ text: some StringProtocol) -> String {
        percentEncoded(text) { isUnreserved($0) || "!$&'()*+,=:@".utf8.contains($0) }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// `text` with every UTF-8 byte `keeping` refuses written `%XX`. Built here rather than with
    /// Foundation's `addingPercentEncoding`, which takes each string through UTF-16: a page of
    /// 2,502 links spent a tenth of its rendering there. Most text needs no encoding and is
    /// returned as it is.
    private static func percentEncoded(_ text: some StringProtocol, keeping: (UInt8) -> Bool) -> String {
        guard !text.utf8.allSatisfy(keeping) else { return String(text) }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if keeping(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

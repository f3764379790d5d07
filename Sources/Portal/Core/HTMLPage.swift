import Hummingbird
import Zlib

/// A rendered HTML page with its status, and its gzip encoding for browsers that accept it.
struct HTMLPage: ResponseGenerator {
    var body: ByteBuffer
    /// Kept with a cached page, so that it is compressed once; other pages are compressed as sent.
    var gzipped: ByteBuffer?
    var status: HTTPResponse.Status = .ok
    /// The page holds a form's CSRF token, which belongs to one browser: it is never cached, and
    /// never compressed (BREACH: a secret beside text the attacker chooses, such as a form shown
    /// again with its input, would leak through the compressed length).
    var carriesCSRFToken = false

    init(body: ByteBuffer, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    /// A page as the cache kept it.
    init(body: ByteBuffer, gzipped: ByteBuffer?) {
        self.body = body
        self.gzipped = gzipped
    }

    init(html: String, status: HTTPResponse.Status = .ok) {
        self.init(body: ByteBuffer(string: html), status: status)
    }

    /// The body gzipped at zlib's default level: most of the best level's gain for a fraction of its time.
    var compressed: ByteBuffer? {
        Gzip.compress(Array(body.readableBytesView), level: 6).map { ByteBuffer(bytes: $0) }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var sent = body
        var isGzipped = false
        if !carriesCSRFToken, AcceptEncoding.allowsGzip(request.headers[.acceptEncoding]),
            let gzipped = gzipped ?? compressed
        {
            sent = gzipped
            isGzipped = true
        }
        return Response(
            status: status, headers: Self.headers(for: sent, gzipped: isGzipped), body: ResponseBody(byteBuffer: sent))
    }

    /// The headers of a page whose body is `body`; `PageReplay` sends the same.
    static func headers(for body: ByteBuffer, gzipped: Bool) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .vary: "Accept-Encoding"]
        if gzipped { headers[.contentEncoding] = "gzip" }
        headers[.contentLength] = String(body.readableBytes)
        return headers
    }
}

enum AcceptEncoding {
    /// Whether `Accept-Encoding` lists gzip without refusing it (`gzip;q=0`).
    static func allowsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.lowercased().split(separator: ",").contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.first == "gzip"
                && !parts.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") == "q=0" }
        }
    }
}

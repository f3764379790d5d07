import Foundation
import Hummingbird
import Zlib

/// The JSON API's paths: errors there answer JSON, never a page, and bodies must be JSON.
enum APIPaths {
    static func contains(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path == "/generate/manifest"
    }
}

/// An API failure, answered as `{"error": {"code", "message", "field"}}` with its status.
struct APIError: Error, ResponseGenerator {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    /// Every field's message, when a submission had several problems.
    var fields: [String: String]?
    /// Seconds for `Retry-After` (429).
    var retryAfter: Int?

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: Any] = ["code": code, "message": message]
        if let field { error["field"] = field }
        if let fields { error["fields"] = fields }
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return JSONBody.response(["error": error], status: status, headers: headers, to: request)
    }
}

/// JSON responses from plain dictionaries and arrays, with stable key order; gzipped for a client
/// that accepts it once they are large enough for it to pay (a request with its attempts is tens
/// of KiB of model output). No API answer carries a secret, so compression leaks nothing.
enum JSONBody {
    static let smallestCompressed = 1024

    static func response(
        _ object: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], to request: Request
    ) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.vary] = "Accept-Encoding"
        if data.count >= smallestCompressed, AcceptEncoding.allowsGzip(request.headers[.acceptEncoding]),
            let gzipped = Gzip.compress(Array(data), level: 6)
        {
            headers[.contentEncoding] = "gzip"
            return Response(
                status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: gzipped)))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

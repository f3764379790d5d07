import Foundation
import Hummingbird
import Provisioning
import Zlib

/// The JSON API's paths: errors there answer JSON, never a page, and bodies must be JSON.
enum APIPaths {
    static func contains(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path == "/generate/manifest"
    }
}

/// An API failure, answered as `{"error": {"code", "message", "field"}}` with its status.
///
/// Handlers throw it; being an `HTTPResponseError`, it becomes its own response in
/// `SecurityHeadersMiddleware` (which adds the security headers), whatever its status.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?
    /// Every field's message, when a submission had several problems.
    var fields: [String: String]?
    /// Seconds for `Retry-After` (429).
    var retryAfter: Int?

    /// The body: `Error` in openapi.json.
    struct Body: Codable {
        struct Detail: Codable {
            var code: String
            var message: String
            var field: String?
            var fields: [String: String]?
        }

        var error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return JSONBody.response(
            Body(error: .init(code: code, message: message, field: field, fields: fields)), status: status,
            headers: headers, to: request)
    }
}

extension APIError {
    /// 400 naming the first field (by name) that failed, with every field's message.
    init(_ errors: FieldErrors) {
        let first = errors.messages.keys.sorted().first ?? ""
        self.init(
            status: .badRequest, code: "invalid_field", message: errors.messages[first] ?? "Invalid request.",
            field: first, fields: errors.messages)
    }

    /// A refused action on a request: `not_found`, `forbidden`, `conflict` or `invalid`, with its status.
    init(_ error: ProvisioningService.ActionError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .notFound: .notFound
            case .forbidden: .forbidden
            case .conflict: .conflict
            case .invalid: .badRequest
            }
        self.init(status: status, code: error.code.rawValue, message: error.message)
    }

    /// 429 with `Retry-After`: the queue is full.
    init(_ full: ProvisioningService.QueueFull) {
        self.init(
            status: .tooManyRequests, code: "queue_full",
            message: "\(full.limit) requests are already waiting or running; try again in \(full.retryAfter) s.",
            retryAfter: full.retryAfter)
    }

    /// 429 with `Retry-After`: this user has as many requests in work as one may have.
    init(_ limit: ProvisioningService.UserLimitReached) {
        self.init(status: .tooManyRequests, code: "user_limit", message: limit.message, retryAfter: limit.retryAfter)
    }
}

/// JSON responses with stable key order; gzipped for a client that accepts it once they are large
/// enough for it to pay (a request with its attempts is tens of KiB of model output). No API answer
/// carries a secret, so compression leaks nothing.
enum JSONBody {
    static let smallestCompressed = 1024

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], to request: Request
    ) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
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

/// An API answer: a Codable value as JSON with its status and headers, for handlers to return.
struct JSONResponse<Value: Encodable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONBody.response(value, status: status, headers: headers, to: request)
    }
}

import Foundation
import Hummingbird

/// Reading submitted bodies with a size cap and a time limit, into Codable types. What cannot be
/// read is refused with its cause: too large (413), too slow (408), cut off, not the expected
/// content type (415), or not what the type says, with the decoder's reason.
enum RequestBodies {
    /// Largest form or JSON body accepted.
    static let maxBytes = 64 * 1024
    /// Longest a client may take to send a body: a slow or stuck client must not hold a request
    /// (and its task) open. Hummingbird's idle timeout covers silent connections.
    static let readTimeout = Duration.seconds(30)

    /// An `application/x-www-form-urlencoded` body as `Form`, decoded by Hummingbird's
    /// `URLEncodedFormDecoder`. A body no page of ours would send (another content type, a name
    /// twice, broken percent-encoding) is a 4xx page naming what is wrong.
    static func form<Form: Decodable>(_ type: Form.Type, from request: Request) async throws -> Form {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw HTTPError(
                .unsupportedMediaType,
                message: "Send the form as application/x-www-form-urlencoded, as its page does, not \(contentType).")
        }
        let text = String(buffer: try await buffer(request))
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: text)
        } catch {
            throw HTTPError(.badRequest, message: "The form could not be read: \(reason(error)).")
        }
    }

    /// A JSON body as `Value`; the content type was checked by `CSRFMiddleware`. Every failure
    /// is the API's error: `body_too_large`, `body_timeout`, `body_incomplete`, `invalid_json` (with
    /// the parser's reason), or `invalid_field` naming the field whose value has the wrong type.
    static func json<Value: Decodable>(_ type: Value.Type, from request: Request) async throws -> Value {
        let data: Data
        do {
            data = Data(buffer: try await buffer(request))
        } catch let error as HTTPError {
            throw APIError(status: error.status, code: code(error.status), message: error.body ?? "")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw APIError(error, in: data)
        }
    }

    /// The whole body, at most `maxBytes` (413 beyond) within `readTimeout` (408 after); a body
    /// that ends before it is complete (the client went away) is a 400 saying so.
    static func buffer(_ request: Request) async throws -> ByteBuffer {
        let body = request.body
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: maxBytes)
                } catch let error as HTTPResponseError where error.status == .contentTooLarge {
                    throw HTTPError(.contentTooLarge, message: "The body is larger than \(maxBytes / 1024) KiB.")
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw HTTPError(.badRequest, message: "The body ended before it was complete (\(error)).")
                }
            }
            group.addTask {
                try await Task.sleep(for: readTimeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let buffer = try await group.next() ?? nil else {
                throw HTTPError(
                    .requestTimeout, message: "The body did not arrive within \(readTimeout.components.seconds) s.")
            }
            return buffer
        }
    }

    /// The API's code for a body that could not be read.
    private static func code(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "body_too_large"
        case .requestTimeout: "body_timeout"
        default: "body_incomplete"
        }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as DecodingError: APIError.describe(error)
        default: "\(error)"
        }
    }

    /// `application/x-www-form-urlencoded` text as fields, leniently: the last value wins for a
    /// repeated name, undecodable text is skipped. For what must never fail on a hand-made URL
    /// (the search box's query) and for finding the CSRF token before a handler decodes the form.
    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension APIError {
    /// A JSON body that did not decode: malformed JSON with the parser's reason, a body that is
    /// not an object, or a value of the wrong type naming its field.
    init(_ error: DecodingError, in data: Data) {
        let path = Self.path(of: error)
        if let field = path.first {
            self.init(
                status: .badRequest, code: "invalid_field", message: Self.describe(error), field: field.stringValue)
        } else if case .typeMismatch = error {
            self.init(status: .badRequest, code: "invalid_json", message: "The body must be a JSON object.")
        } else {
            // Foundation's decoder says only "not valid JSON"; its parser says where and why.
            let reason = Self.parserReason(data) ?? Self.describe(error)
            self.init(status: .badRequest, code: "invalid_json", message: "The body is not valid JSON: \(reason)")
        }
    }

    /// `port: Expected to decode Int but found a string instead.`
    static func describe(_ error: DecodingError) -> String {
        let context: DecodingError.Context? =
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                context
            case .keyNotFound(let key, let context):
                DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: "Missing.")
            @unknown default: nil
            }
        guard let context else { return "\(error)" }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }

    private static func path(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath
        case .keyNotFound(let key, let context): context.codingPath + [key]
        @unknown default: []
        }
    }

    /// Why `JSONSerialization` cannot parse `data` (`Unexpected end of file…`); nil when it can.
    private static func parserReason(_ data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        }
    }
}

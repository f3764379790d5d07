import Foundation
import Hummingbird

/// Reading submitted bodies with a size cap.
enum RequestBodies {
    /// Largest form or JSON body accepted.
    static let maxBytes = 64 * 1024
    /// Longest a client may take to send a body: a slow or stuck client must not hold a request
    /// (and its task) open. Hummingbird's idle timeout covers silent connections.
    static let readTimeout = Duration.seconds(30)

    /// `application/x-www-form-urlencoded` fields; the last value wins for repeated names.
    static func form(_ request: Request) async throws -> [String: String] {
        parseForm(try await collect(request))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    /// A JSON object whose values become the same text fields a form sends: numbers and booleans
    /// as their text, an `env` object as `KEY=value` lines.
    static func jsonFields(_ request: Request) async throws -> [String: String] {
        let text = try await collect(request)
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw APIError(status: .badRequest, code: "invalid_json", message: "The body must be a JSON object.")
        }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: fields[key] = string
            case let number as NSNumber:
                // JSON booleans arrive as NSNumbers of C type char.
                fields[key] =
                    String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
            case let map as [String: Any] where key == "env":
                fields[key] = map.keys.sorted().map { "\($0)=\(map[$0].map { "\($0)" } ?? "")" }.joined(separator: "\n")
            case is NSNull: continue
            default:
                throw APIError(
                    status: .badRequest, code: "invalid_field", message: "\(key) must be a string, number or boolean.",
                    field: key)
            }
        }
        return fields
    }

    private static func collect(_ request: Request) async throws -> String {
        do {
            return String(buffer: try await buffer(request))
        } catch let error as HTTPError where error.status == .requestTimeout {
            throw APIError(status: .requestTimeout, code: "body_timeout", message: error.body ?? "")
        } catch {
            throw APIError(
                status: .contentTooLarge, code: "body_too_large",
                message: "The body is larger than \(maxBytes / 1024) KiB.")
        }
    }

    /// The whole body, at most `maxBytes` (413 beyond) within `readTimeout` (408 after).
    static func buffer(_ request: Request) async throws -> ByteBuffer {
        let body = request.body
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: maxBytes)
                } catch let error as HTTPResponseError where error.status == .contentTooLarge {
                    throw HTTPError(.contentTooLarge, message: "The body is larger than \(maxBytes / 1024) KiB.")
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

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

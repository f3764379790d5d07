import Foundation
import GitOps
import Manifests
import Store

/// A JSON column of a request that does not decode: the request cannot go on, and says why
/// instead of waiting for ever.
public struct StoredColumnError: Error, Sendable, CustomStringConvertible {
    public var column: String
    public var reason: String

    public var description: String {
        "The stored \(column) of this request cannot be read (\(reason)); regenerate it or submit it again."
    }
}

// The request's JSON columns, read and written in one place with their Swift types: the form's
// fields (`spec_json`), the proposed files (`files_json`) and the policy findings (`findings_json`).
extension AppRequest {
    public func spec() throws(StoredColumnError) -> AppSpec {
        try Self.decode(AppSpec.self, from: specJSON, column: "spec")
    }

    /// The files of the pull request; nil until the manifests passed the policy.
    public func files() throws(StoredColumnError) -> [PullRequestDraft.File]? {
        guard let filesJSON else { return nil }
        return try Self.decode([PullRequestDraft.File].self, from: filesJSON, column: "file list")
    }

    /// The policy's findings; none until the manifests were checked.
    public func findings() throws(StoredColumnError) -> [PolicyFinding] {
        guard let findingsJSON else { return [] }
        return try Self.decode([PolicyFinding].self, from: findingsJSON, column: "policy findings")
    }

    /// The JSON text a column stores for `value`; sorted keys, so the same value is always the
    /// same text (the request list searches `spec_json`).
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, from json: String, column: String)
        throws(StoredColumnError) -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw StoredColumnError(column: column, reason: "\(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw StoredColumnError(column: column, reason: "unexpected value at \(path.isEmpty ? "the top" : path)")
        } catch {
            throw StoredColumnError(column: column, reason: "not valid JSON")
        }
    }
}

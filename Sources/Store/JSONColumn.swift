import Foundation
import GRDB

/// A column that stores a `Value` as JSON text: a Codable property of a record, written from the
/// value and read back as it.
///
/// Reading a row never decodes the JSON: `value(column:)` does, when the value is needed. One row
/// whose text no longer decodes (an older shape, a hand edit) so fails the request it belongs to,
/// with the reason, instead of failing every fetch that lists it (ADR 0008).
public struct JSONColumn<Value: Codable & Sendable>: Sendable, DatabaseValueConvertible {
    /// The stored text; sorted keys, so one value is always one text (the request list searches
    /// `spec_json`).
    public let json: String

    public init(_ value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The request values are plain structs of strings, numbers and arrays: encoding them
        // cannot fail.
        json = String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The stored text as it is: a row read back, or one written by an older Homeport or by hand.
    public init(json: String) {
        self.json = json
    }

    public func value(column: String) throws(StoredColumnError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw StoredColumnError(column: column, reason: "\(key.stringValue) is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw StoredColumnError(column: column, reason: "unexpected value at \(path.isEmpty ? "the top" : path)")
        } catch {
            throw StoredColumnError(column: column, reason: "not valid JSON")
        }
    }

    public var databaseValue: DatabaseValue { json.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONColumn? {
        String.fromDatabaseValue(dbValue).map(JSONColumn.init(json:))
    }
}

extension JSONColumn: Equatable {
    public static func == (lhs: JSONColumn, rhs: JSONColumn) -> Bool { lhs.json == rhs.json }
}

// Outside the database (a record encoded by itself), the column is its JSON text.
extension JSONColumn: Codable {
    public init(from decoder: any Decoder) throws {
        json = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(json)
    }
}

/// A JSON column of a request that does not decode: the request cannot go on, and says why
/// instead of waiting for ever.
public struct StoredColumnError: Error, Sendable, CustomStringConvertible {
    public var column: String
    public var reason: String

    public init(column: String, reason: String) {
        self.column = column
        self.reason = reason
    }

    public var description: String {
        "The stored \(column) of this request cannot be read (\(reason)); regenerate it or submit it again."
    }
}

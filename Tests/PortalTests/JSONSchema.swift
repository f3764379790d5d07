import FakeUpstreams
import Foundation

/// JSON Schema as OpenAPI 3.0 uses it, for the keywords `Public/openapi.json` uses: `type`,
/// `properties`, `required`, `additionalProperties`, `items`, `enum`, `minimum`, `maximum`,
/// `minLength`, `maxLength`, `oneOf`, `$ref` into `#/components/schemas`, and `nullable`.
/// Any other keyword is reported rather than ignored, so the document cannot outgrow the check.
struct JSONSchemaValidator {
    /// The whole document, where `$ref`s point.
    let document: JSONValue

    private static let annotations: Set<String> = ["description", "example", "default", "title", "format"]
    private static let keywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "items", "enum", "minimum", "maximum",
        "minLength", "maxLength", "oneOf", "$ref", "nullable",
    ]

    /// Every way `value` breaks `schema`, each with the JSON path where it does; empty when it is valid.
    func problems(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [String] {
        guard let keywords = schema.object else { return ["\(path): the schema is not an object"] }
        var problems: [String] = []
        for keyword in keywords.keys.sorted()
        where !Self.keywords.contains(keyword) && !Self.annotations.contains(keyword) {
            problems.append("\(path): the schema uses \(keyword), which this validator does not know; teach it")
        }
        if let reference = keywords["$ref"]?.string {
            guard let target = resolve(reference) else { return problems + ["\(path): no schema at \(reference)"] }
            return problems + self.problems(value, against: target, at: path)
        }
        if value == .null {
            return keywords["nullable"] == .bool(true) ? problems : problems + ["\(path): null is not allowed"]
        }
        if let type = keywords["type"]?.string, !Self.value(value, is: type) {
            return problems + ["\(path): \(Self.describe(value)) is not of type \(type)"]
        }
        if case .array(let allowed) = keywords["enum"], !allowed.contains(value) {
            problems.append("\(path): \(Self.describe(value)) is not one of the enum's values")
        }
        if case .number(let number) = value {
            if case .number(let minimum) = keywords["minimum"], number < minimum {
                problems.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if case .number(let maximum) = keywords["maximum"], number > maximum {
                problems.append("\(path): \(number) is above the maximum \(maximum)")
            }
        }
        if case .string(let text) = value {
            if case .number(let limit) = keywords["maxLength"], Double(text.count) > limit {
                problems.append("\(path): \(text.count) characters, more than maxLength \(Int(limit))")
            }
            if case .number(let limit) = keywords["minLength"], Double(text.count) < limit {
                problems.append("\(path): \(text.count) characters, fewer than minLength \(Int(limit))")
            }
        }
        if case .object(let object) = value {
            let properties = keywords["properties"]?.object ?? [:]
            for name in keywords["required"]?.strings ?? [] where object[name] == nil {
                problems.append("\(path): \(name) is required")
            }
            for (name, member) in object.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    problems += self.problems(member, against: property, at: "\(path).\(name)")
                } else if let additional = keywords["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append("\(path): \(name) is not a property of the schema")
                    } else if additional.object != nil {
                        problems += self.problems(member, against: additional, at: "\(path).\(name)")
                    }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = keywords["items"] {
            for (index, item) in items.enumerated() {
                problems += self.problems(item, against: itemSchema, at: "\(path)[\(index)]")
            }
        }
        if case .array(let choices) = keywords["oneOf"] {
            let matching = choices.filter { self.problems(value, against: $0, at: path).isEmpty }.count
            if matching != 1 {
                problems.append(
                    "\(path): \(Self.describe(value)) matches \(matching) of oneOf's schemas, not exactly 1")
            }
        }
        return problems
    }

    /// `#/components/schemas/AppRequest` → that schema.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node
    }

    private static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): "\(bool)"
        case .number(let number): "\(number)"
        case .string(let string): "\"\(string.prefix(40))\""
        case .array: "an array"
        case .object: "an object"
        }
    }
}

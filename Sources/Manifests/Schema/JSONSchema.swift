import YAML

/// One schema of the vendored Kubernetes OpenAPI definitions, with the keywords those use and
/// nothing more: `scripts/vendor-kubernetes-schemas.py` refuses schemas with other validating
/// keywords, and reading one here fails too, so a schema is never applied only in part.
final class JSONSchema: Sendable {
    /// The JSON types a value may have; nil when any type will do.
    let types: JSONTypes?
    let properties: [String: JSONSchema]
    /// What a key that `properties` does not name may hold; nil when anything may.
    let additionalProperties: Additional?
    let required: [String]
    let items: JSONSchema?
    /// The only values allowed (`enum`); the Kubernetes schemas enumerate strings alone.
    let allowedValues: [String]?
    /// The name of a definition this schema also must satisfy (`$ref`).
    let reference: String?
    /// Schemas of which exactly one must be satisfied (`oneOf`).
    let exactlyOne: [JSONSchema]

    enum Additional: Sendable {
        /// `additionalProperties: false`: an unknown key is an error (the strict schemas).
        case forbidden
        /// A map such as `labels`: every value must satisfy this schema.
        case values(JSONSchema)
    }

    /// Reads a schema from its JSON, parsed as YAML (JSON is YAML's flow style).
    init(_ node: YAMLNode) throws(SchemaFormatError) {
        guard let pairs = node.mapping else {
            throw SchemaFormatError("a schema is a \(node.shapeName), not an object")
        }
        var types: JSONTypes?
        var properties: [String: JSONSchema] = [:]
        var additional: Additional?
        var required: [String] = []
        var items: JSONSchema?
        var allowedValues: [String]?
        var reference: String?
        var exactlyOne: [JSONSchema] = []
        for (key, value) in pairs {
            switch key.keyText {
            case "type":
                types = try JSONTypes(value.sequence ?? [value])
            case "properties":
                for (name, child) in value.mapping ?? [] {
                    properties[name.keyText] = try JSONSchema(child)
                }
            case "additionalProperties":
                if let allowed = value.bool {
                    additional = allowed ? nil : .forbidden
                } else {
                    additional = .values(try JSONSchema(value))
                }
            case "required":
                required = try Self.strings(value, "required")
            case "items":
                items = try JSONSchema(value)
            case "enum":
                allowedValues = try Self.strings(value, "enum")
            case "$ref":
                reference = value.string
            case "oneOf":
                exactlyOne = try (value.sequence ?? []).map { (branch) throws(SchemaFormatError) in
                    try JSONSchema(branch)
                }
            default:
                throw SchemaFormatError("keyword \(key.keyText) is not applied by the validator")
            }
        }
        self.types = types
        self.properties = properties
        self.additionalProperties = additional
        self.required = required
        self.items = items
        self.allowedValues = allowedValues
        self.reference = reference
        self.exactlyOne = exactlyOne
    }

    private static func strings(_ node: YAMLNode, _ keyword: String) throws(SchemaFormatError) -> [String] {
        guard let items = node.sequence else { throw SchemaFormatError("\(keyword) is not an array") }
        return try items.map { (item) throws(SchemaFormatError) in
            guard case .scalar(let text, quoted: true) = item.value else {
                throw SchemaFormatError("\(keyword) holds a value that is not a string")
            }
            return text
        }
    }
}

/// The JSON types of JSON Schema's `type` keyword.
struct JSONTypes: OptionSet, Sendable {
    let rawValue: UInt8

    static let object = JSONTypes(rawValue: 1 << 0)
    static let array = JSONTypes(rawValue: 1 << 1)
    static let string = JSONTypes(rawValue: 1 << 2)
    static let integer = JSONTypes(rawValue: 1 << 3)
    static let number = JSONTypes(rawValue: 1 << 4)
    static let boolean = JSONTypes(rawValue: 1 << 5)
    static let null = JSONTypes(rawValue: 1 << 6)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ names: [YAMLNode]) throws(SchemaFormatError) {
        self = []
        for name in names {
            guard let type = Self.named.first(where: { $0.name == name.string }) else {
                throw SchemaFormatError("unknown type \(name.string ?? name.shapeName)")
            }
            insert(type.type)
        }
    }

    /// How findings name the types, in the words of YAML, which the manifests are written in.
    var description: String {
        Self.named.filter { contains($0.type) }.map(\.word).joined(separator: " or ")
    }

    private static let named: [(name: String, word: String, type: JSONTypes)] = [
        ("object", "mapping", .object), ("array", "sequence", .array), ("string", "string", .string),
        ("integer", "integer", .integer), ("number", "number", .number), ("boolean", "boolean", .boolean),
        ("null", "null", .null),
    ]
}

/// The vendored schemas hold something the validator does not apply.
struct SchemaFormatError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

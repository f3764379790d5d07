/// An API's `spec.definition` read for people: OpenAPI 3.x and Swagger 2.0 as operations grouped by
/// tag, other formats as source in their language, and a definition that does not parse with the
/// reason. Pure values: escaping is the page's job.
public enum APIDefinition: Sendable {
    case openAPI(OpenAPIDocument)
    /// Shown as highlighted source (`asyncapi`, `graphql`, or the API's type when unknown).
    case source(language: SourceLanguage)
    case unparseable(reason: String)

    public enum SourceLanguage: String, Sendable {
        case yaml, graphql, plain
    }

    /// Reads `text` as the API's `spec.type` says (`openapi`, `asyncapi`, `graphql`, …); an
    /// `openapi` definition that turns out to be something else is shown as source.
    public static func read(_ text: String, type: String?) -> APIDefinition {
        switch type?.lowercased() {
        case "graphql": return .source(language: .graphql)
        case "asyncapi": return .source(language: .yaml)
        case "openapi", "swagger", nil: return OpenAPIReader.read(text)
        default: return .source(language: .plain)
        }
    }
}

/// An OpenAPI 3.x or Swagger 2.0 document, flattened for one page.
public struct OpenAPIDocument: Sendable {
    public var title: String
    public var version: String?
    /// `OpenAPI 3.0.3` or `Swagger 2.0`.
    public var format: String
    public var description: String?
    public var servers: [String]
    public var groups: [OperationGroup]
    /// What was left out (an external `$ref`, an operation that is not a mapping…).
    public var notes: [String]

    public var operationCount: Int { groups.reduce(0) { $0 + $1.operations.count } }
}

/// The operations of one tag (or of none: "Other"), in the document's order.
public struct OperationGroup: Sendable {
    public var name: String
    public var description: String?
    public var operations: [APIOperation]
}

public struct APIOperation: Sendable {
    /// `GET`, `POST`…
    public var method: String
    public var path: String
    public var summary: String?
    public var description: String?
    public var operationID: String?
    public var deprecated: Bool
    public var parameters: [APIParameter]
    public var requestBody: [APIContent]
    public var requestBodyRequired: Bool
    public var responses: [APIResponse]
}

public struct APIParameter: Sendable {
    public var name: String
    /// `path`, `query`, `header`, `cookie`, `formData`.
    public var location: String
    public var required: Bool
    public var description: String?
    public var schema: SchemaNode?
}

/// A body of one media type.
public struct APIContent: Sendable {
    public var mediaType: String
    public var schema: SchemaNode?
}

public struct APIResponse: Sendable {
    /// `200`, `4XX`, `default`.
    public var status: String
    public var description: String?
    public var content: [APIContent]
}

/// A schema expanded for reading: its type in words and its properties, `$ref`s resolved inside
/// the document, cut at a depth and wherever a reference would repeat one it is already inside.
public struct SchemaNode: Sendable {
    /// The property name (nil for a body's own schema).
    public var name: String?
    /// `object`, `array of string`, `string (date-time)`, `ChatRequest`…
    public var type: String
    public var required: Bool
    public var description: String?
    /// Allowed values, `enum`.
    public var values: [String]
    public var children: [SchemaNode]
    /// Why the expansion stops here: a cycle, or the depth limit.
    public var note: String?
}

import Markdown
import Platform
import SiteURL

/// `/catalog/api/{namespace}/{name}/definition`: an API's definition as a page of operations
/// grouped by tag (OpenAPI 3, Swagger 2), as highlighted source (AsyncAPI, GraphQL), or, when it
/// does not parse, the reason; the raw text is always one click away.
struct APIDefinitionModel: Sendable {
    struct Group: Sendable {
        var name: String
        var id: String
        /// Descriptions are CommonMark in OpenAPI: rendered by cmark-gfm in safe mode, for triple braces.
        var descriptionHTML: String?
        var operations: [Operation]
    }

    struct Operation: Sendable {
        var method: String
        var methodClass: String
        var path: String
        var id: String
        var summary: String?
        var descriptionHTML: String?
        var operationID: String?
        var deprecated: Bool
        var parameters: [Parameter]
        var hasParameters: Bool
        var body: [Content]
        var hasBody: Bool
        var bodyRequired: Bool
        var responses: [Response]
        var hasResponses: Bool
    }

    struct Parameter: Sendable {
        var name: String
        var location: String
        var required: Bool
        var type: String?
        var description: String?
    }

    struct Content: Sendable {
        var mediaType: String
        var schema: Schema?
    }

    struct Response: Sendable {
        var status: String
        var statusClass: String
        var description: String?
        var content: [Content]
    }

    /// A schema node for the recursive `schema-node` partial, which reads every value with a
    /// leading dot so that a nested node never falls back to its parent's.
    struct Schema: Sendable {
        var name: String?
        var type: String
        var required: Bool
        var description: String?
        var values: String?
        var note: String?
        var children: [Schema]
        var hasChildren: Bool

        init(_ node: SchemaNode) {
            name = node.name
            type = node.type
            required = node.required
            description = node.description
            values = node.values.isEmpty ? nil : node.values.joined(separator: ", ")
            note = node.note
            children = node.children.map(Schema.init)
            hasChildren = !children.isEmpty
        }
    }

    var entityName: String
    var entityHref: String
    var title: String
    var version: String?
    var format: String?
    var descriptionHTML: String?
    var servers: [String]
    var groups: [Group]
    var notes: [String]
    var isOpenAPI: Bool
    /// Escaped and highlighted source, for triple braces, when the definition is shown as source.
    var sourceHTML: String?
    var failure: String?
    var raw: String

    init(entity: Entity, text: String) {
        entityName = entity.displayName
        entityHref = SiteURL.entity(entity.ref.site).path
        title = entity.displayName
        raw = text
        servers = []
        groups = []
        notes = []
        isOpenAPI = false
        switch APIDefinition.read(text, type: entity.type) {
        case .openAPI(let document):
            isOpenAPI = true
            title = document.title
            version = document.version
            format = document.format
            descriptionHTML = document.description.map { Markdown.renderHTML($0) }
            servers = document.servers
            notes = document.notes
            var used: Set<String> = []
            func anchor(_ text: String) -> String {
                let base = Self.slug(text)
                var id = base
                var count = 1
                while !used.insert(id).inserted {
                    id = "\(base)-\(count)"
                    count += 1
                }
                return id
            }
            groups = document.groups.map { group in
                Group(
                    name: group.name, id: anchor("tag-" + group.name),
                    descriptionHTML: group.description.map { Markdown.renderHTML($0) },
                    operations: group.operations.map { operation in
                        Operation(
                            method: operation.method, methodClass: "method-" + operation.method.lowercased(),
                            path: operation.path, id: anchor(operation.method + " " + operation.path),
                            summary: operation.summary,
                            descriptionHTML: operation.description.map { Markdown.renderHTML($0) },
                            operationID: operation.operationID, deprecated: operation.deprecated,
                            parameters: operation.parameters.map {
                                Parameter(
                                    name: $0.name, location: $0.location, required: $0.required,
                                    type: $0.schema?.type, description: $0.description)
                            },
                            hasParameters: !operation.parameters.isEmpty,
                            body: operation.requestBody.map(Self.content), hasBody: !operation.requestBody.isEmpty,
                            bodyRequired: operation.requestBodyRequired,
                            responses: operation.responses.map { response in
                                Response(
                                    status: response.status,
                                    statusClass: "status-code-" + String(response.status.prefix(1)),
                                    description: response.description, content: response.content.map(Self.content))
                            }, hasResponses: !operation.responses.isEmpty)
                    })
            }
        case .source(let language):
            switch language {
            case .yaml: sourceHTML = SourceHighlight.yaml(text)
            case .graphql: sourceHTML = GraphQLHighlight.html(text)
            case .plain: sourceHTML = Markdown.escapeHTML(text)
            }
        case .unparseable(let reason):
            failure = reason
        }
    }

    private static func content(_ content: APIContent) -> Content {
        Content(mediaType: content.mediaType, schema: content.schema.map(Schema.init))
    }

    /// Letters, digits and `-`, for ids.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                slug.append(character)
            } else if slug.last != "-" {
                slug.append("-")
            }
        }
        let trimmed = slug.trimmingCharacters(in: ["-"])
        return trimmed.isEmpty ? "operation" : trimmed
    }
}

import Foundation
import Hummingbird

/// `GET /openapi.json` (the API's description, from `Public/openapi.json`) and `/docs` (the same, as a page).
struct APIDocsController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let document: Data
    let model: APIDocsModel

    init(state: PlatformState, pages: PageRenderer, documentPath: String) throws {
        self.state = state
        self.pages = pages
        document = try Data(contentsOf: URL(fileURLWithPath: documentPath))
        model = try APIDocsModel(openAPI: document)
    }

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
        }
        routes.get("/docs") { _, context in
            pages.page(
                "api-docs", model, title: "API", section: .none, snapshot: state.snapshot, user: context.identity,
                csrfToken: context.csrfToken)
        }
        return routes
    }
}

/// The OpenAPI description flattened for the page: one entry per operation.
struct APIDocsModel: Sendable {
    struct Operation: Sendable {
        var method: String
        var path: String
        var anchor: String
        var summary: String
        var description: String?
        var parameters: [Parameter]
        var bodyFields: [Parameter]
        var example: String?
        var responses: [ResponseCode]
    }

    struct Parameter: Sendable {
        var name: String
        var location: String
        var type: String
        var required: Bool
        var description: String
    }

    struct ResponseCode: Sendable {
        var code: String
        var description: String
    }

    var title: String
    var description: String
    var operations: [Operation]

    init(openAPI data: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let info = root["info"] as? [String: Any], let paths = root["paths"] as? [String: [String: Any]]
        else {
            throw HTTPError(.internalServerError, message: "openapi.json is not an OpenAPI document")
        }
        let schemas = ((root["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]]) ?? [:]
        func resolve(_ schema: [String: Any]?) -> [String: Any] {
            guard let schema, let ref = schema["$ref"] as? String else { return schema ?? [:] }
            return schemas[String(ref.split(separator: "/").last ?? "")] ?? [:]
        }
        func typeName(_ schema: [String: Any]) -> String {
            let resolved = resolve(schema)
            if let values = resolved["enum"] as? [String] { return values.joined(separator: " | ") }
            if resolved["oneOf"] != nil { return "string | object" }
            return resolved["type"] as? String ?? "object"
        }
        title = info["title"] as? String ?? "API"
        description = info["description"] as? String ?? ""
        var operations: [Operation] = []
        for path in paths.keys.sorted() {
            for method in ["get", "post"] {
                guard let operation = paths[path]?[method] as? [String: Any] else { continue }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map { parameter in
                    Parameter(
                        name: parameter["name"] as? String ?? "", location: parameter["in"] as? String ?? "",
                        type: typeName(parameter["schema"] as? [String: Any] ?? [:]),
                        required: parameter["required"] as? Bool ?? false,
                        description: parameter["description"] as? String ?? "")
                }
                let json =
                    ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                    as? [String: Any]
                let bodySchema = resolve(json?["schema"] as? [String: Any])
                let required = Set(bodySchema["required"] as? [String] ?? [])
                let properties = bodySchema["properties"] as? [String: [String: Any]] ?? [:]
                let fields = properties.keys.sorted().map { name in
                    Parameter(
                        name: name, location: "body", type: typeName(properties[name]!),
                        required: required.contains(name),
                        description: properties[name]?["description"] as? String ?? "")
                }
                let example = (json?["example"]).flatMap {
                    try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys])
                }
                let responses = (operation["responses"] as? [String: [String: Any]] ?? [:]).keys.sorted().map { code in
                    ResponseCode(
                        code: code,
                        description: (operation["responses"] as? [String: [String: Any]])?[code]?["description"]
                            as? String ?? "")
                }
                operations.append(
                    Operation(
                        method: method.uppercased(), path: path, anchor: operation["operationId"] as? String ?? path,
                        summary: operation["summary"] as? String ?? "",
                        description: operation["description"] as? String,
                        parameters: parameters, bodyFields: fields,
                        example: example.map { String(decoding: $0, as: UTF8.self) },
                        responses: responses
                    ))
            }
        }
        self.operations = operations
    }
}

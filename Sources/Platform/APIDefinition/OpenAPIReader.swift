import Foundation
import YAML

/// Reads OpenAPI 3.x and Swagger 2.0 documents (YAML or JSON, which libyaml reads as YAML) into
/// an `OpenAPIDocument`.
enum OpenAPIReader {
    /// How deep a schema is expanded; deeper properties are named, not opened.
    static let maxDepth = 5
    /// Schema nodes one body or response may expand to, so that a huge document stays a readable page.
    static let maxNodes = 300
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func read(_ text: String) -> APIDefinition {
        let root: YAMLNode
        do {
            guard let document = try YAML.parse(text) else { return .unparseable(reason: "the definition is empty") }
            root = document
        } catch {
            return .unparseable(reason: "line \(error.line), column \(error.column): \(error.reason)")
        }
        guard root.mapping != nil else {
            return .unparseable(reason: "the definition is a \(root.shapeName), not a mapping")
        }
        let format: String
        if let version = root["openapi"]?.string, version.hasPrefix("3.") {
            format = "OpenAPI \(version)"
        } else if root["swagger"]?.string == "2.0" {
            format = "Swagger 2.0"
        } else if root["asyncapi"] != nil {
            return .source(language: .yaml)
        } else {
            return .unparseable(
                reason:
                    "neither `openapi: 3.x` nor `swagger: \"2.0\"` is declared; Homeport reads OpenAPI 3 and Swagger 2"
            )
        }
        var reader = Reader(root: root, isSwagger: format.hasPrefix("Swagger"))
        return .openAPI(reader.document(format: format))
    }

    private struct Reader {
        let root: YAMLNode
        let isSwagger: Bool
        var notes: [String] = []
        /// Nodes expanded for the body or response being read.
        var budget = 0

        init(root: YAMLNode, isSwagger: Bool) {
            self.root = root
            self.isSwagger = isSwagger
        }

        mutating func document(format: String) -> OpenAPIDocument {
            let info = root["info"]
            var servers: [String] = []
            if isSwagger {
                if let host = root["host"]?.string {
                    let scheme = root["schemes"]?.sequence?.first?.string ?? "https"
                    servers.append("\(scheme)://\(host)\(root["basePath"]?.string ?? "")")
                }
            } else {
                servers = (root["servers"]?.sequence ?? []).compactMap { $0["url"]?.string }
            }
            var order: [String] = []
            var descriptions: [String: String] = [:]
            for tag in root["tags"]?.sequence ?? [] {
                guard let name = tag["name"]?.string else { continue }
                order.append(name)
                descriptions[name] = tag["description"]?.string
            }
            var byTag: [String: [APIOperation]] = [:]
            for (pathKey, pathItem) in root["paths"]?.mapping ?? [] {
                guard let path = pathKey.string else { continue }
                let item = resolve(pathItem)
                let shared = item["parameters"]?.sequence ?? []
                for (methodKey, operation) in item.mapping ?? [] {
                    guard let method = methodKey.string?.lowercased(), OpenAPIReader.methods.contains(method) else {
                        continue
                    }
                    guard operation.mapping != nil else {
                        notes.append("\(method.uppercased()) \(path) is not a mapping and is left out")
                        continue
                    }
                    let tag = operation["tags"]?.sequence?.first?.string ?? "Other"
                    if !order.contains(tag) { order.append(tag) }
                    byTag[tag, default: []].append(read(operation, method: method, path: path, shared: shared))
                }
            }
            return OpenAPIDocument(
                title: info?["title"]?.string ?? "Untitled API", version: info?["version"]?.string, format: format,
                description: info?["description"]?.string, servers: servers,
                groups: order.compactMap { tag in
                    byTag[tag].map { OperationGroup(name: tag, description: descriptions[tag], operations: $0) }
                }, notes: notes)
        }

        private mutating func read(_ operation: YAMLNode, method: String, path: String, shared: [YAMLNode])
            -> APIOperation
        {
            var parameters: [APIParameter] = []
            var body: [APIContent] = []
            var bodyRequired = false
            let own = operation["parameters"]?.sequence ?? []
            // An operation's parameter replaces a path-level one of the same name and place.
            let ownKeys = Set(own.map { resolve($0) }.map { "\($0["in"]?.string ?? "")/\($0["name"]?.string ?? "")" })
            let sharedKept = shared.filter {
                let node = resolve($0)
                return !ownKeys.contains("\(node["in"]?.string ?? "")/\(node["name"]?.string ?? "")")
            }
            let consumes = (operation["consumes"] ?? root["consumes"])?.sequence?.compactMap(\.string) ?? []
            for parameterNode in sharedKept + own {
                let parameter = resolve(parameterNode)
                let location = parameter["in"]?.string ?? "query"
                budget = 0
                if location == "body" {
                    bodyRequired = parameter["required"]?.bool ?? false
                    let schema = parameter["schema"].map {
                        schemaNode($0, name: nil, required: false, depth: 0, inside: [])
                    }
                    body = (consumes.isEmpty ? ["application/json"] : consumes).map {
                        APIContent(mediaType: $0, schema: schema)
                    }
                    continue
                }
                let schemaSource = parameter["schema"] ?? (isSwagger ? parameter : nil)
                parameters.append(
                    APIParameter(
                        name: parameter["name"]?.string ?? "?", location: location,
                        required: parameter["required"]?.bool ?? (location == "path"),
                        description: parameter["description"]?.string,
                        schema: schemaSource.map { schemaNode($0, name: nil, required: false, depth: 0, inside: []) }))
            }
            if let requestBody = operation["requestBody"].map({ resolve($0) }) {
                bodyRequired = requestBody["required"]?.bool ?? false
                body = content(requestBody["content"])
            }
            let produces = (operation["produces"] ?? root["produces"])?.sequence?.compactMap(\.string) ?? []
            var responses: [APIResponse] = []
            for (statusKey, responseNode) in operation["responses"]?.mapping ?? [] {
                let response = resolve(responseNode)
                var content = content(response["content"])
                if isSwagger, let schema = response["schema"] {
                    budget = 0
                    let node = schemaNode(schema, name: nil, required: false, depth: 0, inside: [])
                    content = (produces.isEmpty ? ["application/json"] : produces).map {
                        APIContent(mediaType: $0, schema: node)
                    }
                }
                responses.append(
                    APIResponse(
                        status: statusKey.string ?? "?", description: response["description"]?.string, content: content)
                )
            }
            return APIOperation(
                method: method.uppercased(), path: path, summary: operation["summary"]?.string,
                description: operation["description"]?.string, operationID: operation["operationId"]?.string,
                deprecated: operation["deprecated"]?.bool ?? false, parameters: parameters, requestBody: body,
                requestBodyRequired: bodyRequired, responses: responses)
        }

        private mutating func content(_ node: YAMLNode?) -> [APIContent] {
            (node?.mapping ?? []).compactMap { key, value in
                guard let mediaType = key.string else { return nil }
                budget = 0
                return APIContent(
                    mediaType: mediaType,
                    schema: value["schema"].map { schemaNode($0, name: nil, required: false, depth: 0, inside: []) })
            }
        }

        /// `node`, or what its `$ref` names inside the document (followed a few times).
        func resolve(_ node: YAMLNode) -> YAMLNode {
            var current = node
            for _ in 0..<8 {
                guard let reference = current["$ref"]?.string, let target = lookUp(reference) else { return current }
                current = target
            }
            return current
        }

        /// The node a local reference (`#/components/schemas/Chat`) points at.
        func lookUp(_ reference: String) -> YAMLNode? {
            guard reference.hasPrefix("#/") || reference == "#" else { return nil }
            var node = root
            for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
                let key = (String(token).removingPercentEncoding ?? String(token))
                    .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                if let items = node.sequence, let index = Int(key), items.indices.contains(index) {
                    node = items[index]
                } else if let next = node[key] {
                    node = next
                } else {
                    return nil
                }
            }
            return node
        }

        private mutating func schemaNode(
            _ source: YAMLNode, name: String?, required: Bool, depth: Int, inside: [String]
        ) -> SchemaNode {
            budget += 1
            var node = SchemaNode(
                name: name, type: "any", required: required, description: nil, values: [], children: [], note: nil)
            var schema = source
            var refName: String?
            if let reference = source["$ref"]?.string {
                refName = String(reference.split(separator: "/").last ?? Substring(reference))
                guard let target = lookUp(reference) else {
                    node.type = refName ?? reference
                    node.note =
                        reference.hasPrefix("#")
                        ? "\(reference) names nothing in the document"
                        : "external reference \(reference) is not followed"
                    return node
                }
                if inside.contains(reference) {
                    node.type = refName!
                    node.note = "\(refName!) again (it contains itself); expanded above"
                    return node
                }
                schema = target
                return expand(schema, into: node, refName: refName, depth: depth, inside: inside + [reference])
            }
            return expand(schema, into: node, refName: refName, depth: depth, inside: inside)
        }

        private mutating func expand(
            _ schema: YAMLNode, into start: SchemaNode, refName: String?, depth: Int, inside: [String]
        ) -> SchemaNode {
            var node = start
            node.description = schema["description"]?.string ?? schema["title"]?.string
            node.values = (schema["enum"]?.sequence ?? []).compactMap(\.string)
            let typeWord =
                schema["type"]?.string ?? schema["type"]?.sequence?.compactMap(\.string).joined(separator: " or ")
            let format = schema["format"]?.string.map { " (\($0))" } ?? ""
            var children: [(YAMLNode, String?, Bool)] = []
            if let properties = schema["properties"]?.mapping {
                let requiredNames = Set((schema["required"]?.sequence ?? []).compactMap(\.string))
                children = properties.compactMap { key, value in
                    key.string.map { (value, $0, requiredNames.contains($0)) }
                }
                node.type = refName ?? "object"
            } else if let items = schema["items"] {
                let itemNode = schemaNode(items, name: nil, required: false, depth: depth + 1, inside: inside)
                node.type = "array of \(itemNode.type)"
                node.children = itemNode.children
                node.note = itemNode.note
                node.values = itemNode.values
                return node
            } else {
                if let refName {
                    node.type = typeWord.map { "\(refName) (\($0))" } ?? refName
                } else {
                    node.type = (typeWord ?? "any") + format
                }
            }
            for combinator in ["allOf", "oneOf", "anyOf"] {
                guard let parts = schema[combinator]?.sequence else { continue }
                if combinator == "allOf" {
                    for part in parts {
                        let merged = schemaNode(part, name: nil, required: false, depth: depth, inside: inside)
                        node.children += merged.children
                        if node.type == "any" { node.type = refName ?? merged.type }
                    }
                } else {
                    node.type = (refName.map { $0 + ": " } ?? "") + (combinator == "oneOf" ? "one of" : "any of")
                    for (index, part) in parts.enumerated() where budget < maxNodes {
                        node.children.append(
                            schemaNode(
                                part, name: "option \(index + 1)", required: false, depth: depth + 1, inside: inside))
                    }
                }
            }
            if let additional = schema["additionalProperties"], additional.mapping != nil {
                children.append((additional, "additional properties", false))
            }
            guard !children.isEmpty else { return node }
            guard depth < maxDepth, budget < maxNodes else {
                node.note = "\(children.count) properties not expanded at this depth"
                return node
            }
            for (child, name, isRequired) in children {
                guard budget < maxNodes else {
                    node.note = "more properties not shown"
                    break
                }
                node.children.append(
                    schemaNode(child, name: name, required: isRequired, depth: depth + 1, inside: inside))
            }
            return node
        }
    }
}

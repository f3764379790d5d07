import Testing

@testable import Platform

@Suite("API definitions read for people")
struct APIDefinitionTests {
    private func document(_ text: String) throws -> OpenAPIDocument {
        let read = APIDefinition.read(text, type: "openapi")
        guard case .openAPI(let document) = read else {
            Issue.record("not read as OpenAPI: \(read)")
            throw CancellationError()
        }
        return document
    }

    @Test("OpenAPI 3: operations grouped by tag in the document's order, path parameters shared, refs resolved")
    func openAPI3() throws {
        let api = try document(
            """
            openapi: 3.1.0
            info: {title: Pets, version: "2"}
            tags: [{name: pets}, {name: admin}]
            paths:
              /pets/{id}:
                parameters: [{name: id, in: path, schema: {type: integer, format: int64}}]
                delete: {tags: [admin], responses: {"204": {description: gone}}}
                get:
                  tags: [pets]
                  summary: One pet
                  responses:
                    "200":
                      description: the pet
                      content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
              /health: {get: {responses: {"200": {description: ok}}}}
            components:
              schemas:
                Pet:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    kind: {type: string, enum: [cat, dog]}
                    parent: {$ref: "#/components/schemas/Pet"}
                    tags: {type: array, items: {type: string}}
            """)
        #expect(api.format == "OpenAPI 3.1.0")
        #expect(api.groups.map(\.name) == ["pets", "admin", "Other"])
        let get = api.groups[0].operations[0]
        #expect(get.method == "GET" && get.path == "/pets/{id}" && get.summary == "One pet")
        #expect(get.parameters.map(\.name) == ["id"])
        #expect(get.parameters[0].required, "a path parameter is required")
        #expect(get.parameters[0].schema?.type == "integer (int64)")
        let pet = try #require(get.responses.first?.content.first?.schema)
        #expect(pet.type == "Pet")
        #expect(pet.children.map(\.name) == ["name", "kind", "parent", "tags"])
        #expect(pet.children[0].required && !pet.children[1].required)
        #expect(pet.children[1].values == ["cat", "dog"])
        #expect(pet.children[2].note?.contains("contains itself") == true, "the cycle is cut")
        #expect(pet.children[2].children.isEmpty)
        #expect(pet.children[3].type == "array of string")
    }

    @Test("Swagger 2 in JSON: a body parameter is the request body; response schemas and definitions")
    func swagger2() throws {
        let api = try document(
            """
            {"swagger": "2.0", "info": {"title": "Old", "version": "1"}, "host": "api.example.com",
             "consumes": ["application/json"],
             "paths": {"/items": {"post": {"parameters": [
                {"in": "body", "name": "item", "required": true, "schema": {"$ref": "#/definitions/Item"}},
                {"in": "query", "name": "dry", "type": "boolean"}],
               "responses": {"201": {"description": "made", "schema": {"$ref": "#/definitions/Item"}}}}}},
             "definitions": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}}
            """)
        #expect(api.format == "Swagger 2.0")
        #expect(api.servers == ["https://api.example.com"])
        let post = api.groups[0].operations[0]
        #expect(post.parameters.map(\.name) == ["dry"])
        #expect(post.parameters[0].schema?.type == "boolean")
        #expect(post.requestBodyRequired)
        #expect(post.requestBody.first?.schema?.children.map(\.name) == ["id"])
        #expect(post.responses.first?.content.first?.schema?.type == "Item")
    }

    @Test(
        "what is not OpenAPI is shown as source, or with the reason it does not parse",
        arguments: [
            ("asyncapi: 2.6.0\nchannels: {}\n", "openapi", "source yaml"),
            ("type Query { a: String }", "graphql", "source graphql"),
            ("syntax = \"proto3\";", "grpc", "source plain"),
            ("openapi: 3.0.0\ninfo: [unclosed\n", "openapi", "unparseable"),
            ("just: yaml\n", "openapi", "unparseable"),
        ])
    func other(_ text: String, _ type: String, _ expected: String) {
        switch APIDefinition.read(text, type: type) {
        case .source(let language): #expect("source \(language.rawValue)" == expected)
        case .unparseable(let reason):
            #expect(expected == "unparseable")
            #expect(!reason.isEmpty)
        case .openAPI: Issue.record("read as OpenAPI")
        }
    }

    @Test("a deep or huge schema stops at the depth limit instead of growing the page")
    func depth() throws {
        var schema = "{type: string}"
        for level in 0..<10 { schema = "{type: object, properties: {level\(level): \(schema)}}" }
        let api = try document(
            "openapi: 3.0.0\ninfo: {title: Deep, version: '1'}\npaths: {/deep: {get: {responses: {'200': {description: ok, content: {application/json: {schema: \(schema)}}}}}}}\n"
        )
        var node = try #require(api.groups.first?.operations.first?.responses.first?.content.first?.schema)
        var depth = 0
        while let child = node.children.first {
            node = child
            depth += 1
        }
        #expect(depth == OpenAPIReader.maxDepth)
        #expect(node.note?.contains("not expanded") == true)
    }
}

import FakeUpstreams
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

/// `Public/openapi.json` against the router: what is served is described, what is described is
/// served, and every example in the document is valid against its schema (checked by the small
/// validator of `JSONSchema.swift`, which refuses keywords it does not know).
@Suite("The API document and the routes")
struct OpenAPIDocumentTests {
    /// Routes that are not part of the JSON API, and why. A new route goes into
    /// `Public/openapi.json` if API clients call it, or here with its reason if not.
    static let outsideTheAPI: [(reason: String, routes: [String])] = [
        (
            "HTML pages for browsers",
            [
                "GET /", "GET /catalog", "GET /catalog/{kind}/{namespace}/{name}", "GET /adr", "GET /adr/{id}",
                "GET /inventory", "GET /observability", "GET /diagnostics", "GET /search", "GET /apps/new",
                "GET /requests", "GET /requests/{id}", "GET /-/errors", "GET /docs",
                "GET /catalog/{kind}/{namespace}/{name}/docs", "GET /catalog/{kind}/{namespace}/{name}/docs/**",
                "GET /catalog/{kind}/{namespace}/{name}/definition", "GET /catalog/{kind}/{namespace}/{name}/adr/{id}",
            ]
        ),
        (
            "forms behind those pages (CSRF token, answer a page or a redirect)",
            ["POST /apps/new", "POST /requests/{id}/{action}", "POST /-/reload"]
        ),
        ("the live feed of a request page (server-sent events)", ["GET /requests/{id}/events"]),
        (
            "webhooks the forges send, signed with the shared secret (their payloads are GitHub's and Gitea's)",
            ["POST /hooks/github", "POST /hooks/gitea"]
        ),
        (
            "probes, metrics and the document itself",
            ["GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.json"]
        ),
    ]

    static let document: JSONValue = {
        let data = FileManager.default.contents(atPath: repositoryRoot + "/Public/openapi.json") ?? Data()
        return (try? JSONValue(parsing: data)) ?? .null
    }()

    /// `GET /api/v1/requests/{id}`: every operation of the document.
    static var operations: [String] {
        (document["paths"]?.object ?? [:]).flatMap { path, item in
            (item.object ?? [:]).keys.map { "\($0.uppercased()) \(path)" }
        }.sorted()
    }

    /// `GET /api/v1/requests/{id}`: every route of the router but the HEADs Hummingbird adds.
    static func registeredRoutes() async throws -> [String] {
        let (_, state, provisioning) = try await portalWithProvisioning(startRunner: false)
        let router = try await buildRouter(state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
        return router.routes.filter { $0.method != .head }.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// A route's path matches a documented one segment by segment; a route's `{capture}` matches
    /// anything (the document spells out `/api/v1/requests/{id}/retry`, the router has `{action}`).
    static func route(_ route: String, serves operation: String) -> Bool {
        let (routeParts, documentedParts) = (route.split(separator: " "), operation.split(separator: " "))
        guard routeParts.first == documentedParts.first else { return false }
        let (routeSegments, documentedSegments) = (
            routeParts.last!.split(separator: "/"), documentedParts.last!.split(separator: "/")
        )
        return routeSegments.count == documentedSegments.count
            && zip(routeSegments, documentedSegments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    @Test("every route is in openapi.json or listed as outside the API, and every listed route exists")
    func everyRouteDocumented() async throws {
        let routes = try await Self.registeredRoutes()
        let listed = Set(Self.outsideTheAPI.flatMap(\.routes))
        for route in routes where !listed.contains(route) {
            #expect(
                Self.operations.contains { Self.route(route, serves: $0) },
                """
                \(route) is registered but neither documented in Public/openapi.json nor listed in \
                OpenAPIDocumentTests.outsideTheAPI: document it if API clients call it, or list it there with why not
                """)
        }
        for route in listed.sorted() {
            #expect(routes.contains(route), "\(route) is listed as outside the API but no longer registered")
        }
    }

    @Test("every documented operation is a route, and answers rather than 404 or 405")
    func everyOperationAnswered() async throws {
        let routes = try await Self.registeredRoutes()
        for operation in Self.operations {
            #expect(
                routes.contains { Self.route($0, serves: operation) }, "\(operation) is documented but not registered")
        }
        // Ollama is a closed port: /generate/manifest fails fast, with its documented 502.
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let created = ByteBuffer(string: #"{"app_name": "documented", "image": "nginx:1.27"}"#)
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: created
            ) { json($0.body)["id"] as? String ?? "" }
            _ = try await provisioning.waitUntilSettled(id, timeout: 60)
            for operation in Self.operations {
                let parts = operation.split(separator: " ")
                let path = parts[1].replacingOccurrences(of: "{id}", with: id)
                let body = try Self.example(ofRequestBody: operation).map { ByteBuffer(data: $0.data) }
                try await client.execute(
                    uri: path, method: HTTPRequest.Method(String(parts[0]))!,
                    headers: [.contentType: "application/json"], body: body
                ) { response in
                    #expect(
                        ![.notFound, .methodNotAllowed].contains(response.status),
                        "\(operation) answered \(response.status): \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test("every example in the document is valid against its schema")
    func examplesValid() throws {
        let validator = JSONSchemaValidator(document: Self.document)
        let examples = Self.examples(in: Self.document, at: "#", isSchema: false)
        #expect(examples.count >= 10, "the walk found the document's examples")
        for (path, schema, example) in examples {
            let problems = validator.problems(example, against: schema)
            #expect(problems.isEmpty, "the example at \(path): \(problems.joined(separator: "; "))")
        }
    }

    @Test("the request bodies' examples decode as the handlers' own input type")
    func requestExamplesDecode() throws {
        for operation in ["POST /api/v1/requests", "POST /generate/manifest"] {
            let example = try #require(try Self.example(ofRequestBody: operation))
            let input = try JSONDecoder().decode(AppRequestInput.self, from: example.data)
            #expect(input.appName == "nginx-demo", "\(operation)")
        }
    }

    @Test("the Status enum lists every request state the API can answer")
    func statusEnum() {
        let documented = Self.document["components"]?["schemas"]?["Status"]?["enum"]?.strings ?? []
        #expect(Set(documented) == Set(RequestStatus.allCases.map(\.rawValue)))
    }

    @Test("real answers match their documented schema: a request, a page of them, an error")
    func answersMatchTheirSchemas() async throws {
        let validator = JSONSchemaValidator(document: Self.document)
        let (app, _, provisioning) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let body = ByteBuffer(
                string: #"{"app_name": "schema-web", "image": "nginx:1.27", "env": {"MODE": "demo"}, "port": 80}"#)
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { json($0.body)["id"] as? String ?? "" }
            _ = try await provisioning.waitUntilSettled(id, timeout: 60)
            let cases: [(path: String, operation: String, status: String)] = [
                ("/api/v1/requests/\(id)", "/api/v1/requests/{id}", "200"),
                ("/api/v1/requests?status=ready", "/api/v1/requests", "200"),
                ("/api/v1/requests/nope", "/api/v1/requests/{id}", "404"),
                ("/api/v1/requests?page=0", "/api/v1/requests", "400"),
            ]
            for (path, operation, status) in cases {
                let answer = try await client.execute(uri: path, method: .get) { response in
                    #expect(String(response.status.code) == status, "\(path)")
                    return try JSONValue(parsing: Data(buffer: response.body))
                }
                let schema = try #require(
                    Self.document["paths"]?[operation]?["get"]?["responses"]?[status]?["content"]?["application/json"]?[
                        "schema"])
                let problems = validator.problems(answer, against: schema)
                #expect(problems.isEmpty, "GET \(path): \(problems.joined(separator: "; "))")
            }
        }
    }

    @Test(
        "the validator refuses what a schema forbids",
        arguments: [
            (#"{"type": "integer"}"#, #""80""#, "is not of type integer"),
            (#"{"type": "integer"}"#, "80.5", "is not of type integer"),
            (#"{"type": "boolean"}"#, "1", "is not of type boolean"),
            (#"{"type": "object", "required": ["id"]}"#, "{}", "id is required"),
            (#"{"type": "string", "enum": ["a"]}"#, #""b""#, "not one of the enum's values"),
            (#"{"type": "integer", "maximum": 10}"#, "11", "above the maximum"),
            (#"{"type": "string", "maxLength": 2}"#, #""abc""#, "more than maxLength"),
            (#"{"type": "object", "additionalProperties": {"type": "string"}}"#, #"{"A": 1}"#, "not of type string"),
            (#"{"oneOf": [{"type": "string"}, {"type": "object"}]}"#, "3", "matches 0 of oneOf's schemas"),
            (##"{"$ref": "#/components/schemas/Status"}"##, #""merged-ish""#, "not one of the enum's values"),
            (#"{"type": "string", "pattern": "^a"}"#, #""a""#, "does not know"),
        ])
    func validatorRefuses(_ schema: String, _ value: String, _ problem: String) throws {
        let problems = JSONSchemaValidator(document: Self.document).problems(
            try JSONValue(parsing: Data(value.utf8)), against: try JSONValue(parsing: Data(schema.utf8)))
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }

    // MARK: - Walking the document

    /// The JSON example of an operation's request body, if it has one.
    static func example(ofRequestBody operation: String) throws -> JSONValue? {
        let parts = operation.split(separator: " ").map(String.init)
        return document["paths"]?[parts[1]]?[parts[0].lowercased()]?["requestBody"]?["content"]?["application/json"]?[
            "example"]
    }

    /// Every example and default with the schema it must satisfy: `example`/`default` inside a
    /// schema, and `example` beside a `schema` (media types, parameters).
    static func examples(in node: JSONValue, at path: String, isSchema: Bool) -> [(String, JSONValue, JSONValue)] {
        switch node {
        case .array(let items):
            return items.enumerated().flatMap { examples(in: $1, at: "\(path)/\($0)", isSchema: isSchema) }
        case .object(let object):
            var found: [(String, JSONValue, JSONValue)] = []
            if isSchema {
                for key in ["example", "default"] {
                    if let value = object[key] { found.append(("\(path)/\(key)", node, value)) }
                }
            } else if let schema = object["schema"], let example = object["example"] {
                found.append(("\(path)/example", schema, example))
            }
            for (key, child) in object {
                switch key {
                case "example": continue
                case "default" where isSchema, "enum" where isSchema: continue
                case "properties" where isSchema:
                    for (name, property) in child.object ?? [:] {
                        found += examples(in: property, at: "\(path)/properties/\(name)", isSchema: true)
                    }
                default:
                    // Below a schema everything is a schema (or a list of them); elsewhere, `schema`
                    // and the entries of `components/schemas` are.
                    let childIsSchema = isSchema || key == "schema" || path == "#/components/schemas"
                    found += examples(in: child, at: "\(path)/\(key)", isSchema: childIsSchema)
                }
            }
            return found
        default:
            return []
        }
    }
}

import Config
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Platform
import Synchronization
import Testing

@testable import Portal

/// A sample of the Prometheus text format: metric name, labels, value.
struct Sample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// Reads the Prometheus text exposition format strictly enough to catch a malformed line.
func parsePrometheus(_ text: String) throws -> [Sample] {
    var samples: [Sample] = []
    var typed: Set<String> = []
    let line = try Regex(#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+]+|NaN|\+Inf)$"#)
    let label = try Regex(#"([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)""#)
    for raw in text.split(separator: "\n") {
        if raw.hasPrefix("# TYPE ") {
            typed.insert(String(raw.split(separator: " ")[2]))
            continue
        }
        if raw.hasPrefix("#") { continue }
        guard let match = try line.wholeMatch(in: String(raw)) else { throw ParseError(line: String(raw)) }
        let name = String(match.output[1].substring!)
        guard typed.contains(where: { name == $0 || name.hasPrefix($0 + "_") }) else {
            throw ParseError(line: "no TYPE for \(name)")
        }
        var labels: [String: String] = [:]
        if let body = match.output[3].substring {
            for pair in String(body).matches(of: label) {
                labels[String(pair.output[1].substring!)] = String(pair.output[2].substring!)
            }
        }
        samples.append(Sample(name: name, labels: labels, value: Double(String(match.output[4].substring!))!))
    }
    return samples
}

struct ParseError: Error { var line: String }

@Suite("Readiness and metrics")
struct OperationsTests {
    @Test("/readyz says ready with the snapshot's size")
    func ready() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            let page = try await client.page("/readyz")
            #expect(page.status == .ok)
            #expect(page.body == "ready: 31 entities, 0 load problems\n")
        }
    }

    @Test("/metrics parses as Prometheus text and counts requests by route, status and app requests")
    func metrics() async throws {
        let (app, _, _) = try await portalWithProvisioning()
        try await app.test(.router) { client in
            _ = try await client.page("/catalog")
            _ = try await client.page("/catalog?kind=api")
            _ = try await client.page("/catalog/component/default/grafana")
            _ = try await client.page("/nowhere")
            let created = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"app_name": "web", "image": "nginx:1.27"}"#)
            ) { response in
                #expect(response.status == .accepted)
                return json(response.body)["id"] as? String
            }
            _ = try await waitForStatus(client, try #require(created), ["ready"])
            let (contentType, text) = try await client.execute(uri: "/metrics", method: .get) {
                ($0.headers[.contentType], String(buffer: $0.body))
            }
            #expect(contentType == "text/plain; version=0.0.4; charset=utf-8")
            let samples = try parsePrometheus(text)
            func value(_ name: String, _ labels: [String: String]) -> Double? {
                samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
                }?.value
            }
            #expect(
                value("homeport_http_requests_total", ["route": "/catalog", "method": "GET", "status": "200"]) == 2)
            #expect(
                value("homeport_http_requests_total", ["route": "/catalog/{kind}/{namespace}/{name}", "status": "200"])
                    == 1)
            #expect(value("homeport_http_requests_total", ["route": "NotFound", "status": "404"]) == 1)
            #expect(
                value("homeport_http_requests_total", ["route": "/api/v1/requests", "method": "POST", "status": "202"])
                    == 1)
            #expect(value("homeport_app_requests", ["status": "ready"]) == 1)
            #expect(value("homeport_platform_entities", [:]) == 31)
            // Histogram buckets are cumulative and end with +Inf equal to the count.
            let buckets = samples.filter {
                $0.name == "homeport_http_request_duration_seconds_bucket" && $0.labels["route"] == "/catalog"
            }
            #expect(buckets.map(\.value) == buckets.map(\.value).sorted())
            #expect(buckets.last?.labels["le"] == "+Inf")
            #expect(buckets.last?.value == value("homeport_http_request_duration_seconds_count", ["route": "/catalog"]))
        }
    }
}

@Suite("Load problems in the log")
struct LoadProblemLogTests {
    @Test("a load with many problems logs the first twenty and the others' count; the errors page has them all")
    func manyProblems() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-problems-\(UUID())").path
        try FileManager.default.createDirectory(atPath: root + "/catalog", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let components = (1...30).map {
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: app-\($0)\n"
                + "spec:\n  type: service\n  lifecycle: production\n  owner: group:gone-team\n"
        }
        try components.joined(separator: "---\n").write(
            toFile: root + "/catalog/locations.yaml", atomically: true, encoding: .utf8)
        let captured = CapturedLog()
        let state = try PlatformState(
            loader: PlatformLoader(
                paths: PlatformPaths(
                    root: root, catalog: "catalog/locations.yaml", adrDir: "docs/adr",
                    inventory: "platform/inventory.yaml", services: "platform/services.yaml",
                    dashboardsDir: "monitoring/dashboards", gitopsAppsDir: "gitops/apps")),
            logger: captured.logger)

        let owners = state.snapshot.problems.filter { $0.reason.contains("group:default/gone-team") }
        #expect(owners.count == 30)
        let logged = captured.all.map(\.message)
        #expect(logged.filter { $0.hasPrefix("load problem: ") }.count == 20)
        #expect(
            logged.contains(
                "\(state.snapshot.problems.count - 20) more load problems: /-/errors lists them all, as does homeport check"
            ))

        let (app, _) = try await portal(root: root)
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/-/errors", method: .get)
            let html = String(buffer: page.body)
            #expect(html.components(separatedBy: "group:default/gone-team").count - 1 == 30)
        }
    }
}

/// Keeps every log record, for tests that read the log.
final class CapturedLog: Sendable {
    private let records = Mutex<[(message: String, metadata: Logger.Metadata)]>([])

    var all: [(message: String, metadata: Logger.Metadata)] {
        records.withLock { $0 }
    }

    func append(_ message: String, _ metadata: Logger.Metadata) {
        records.withLock { $0.append((message, metadata)) }
    }

    var logger: Logger {
        var logger = Logger(label: "captured") { _ in Handler(log: self) }
        logger.logLevel = .info
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
            file: String, function: String, line: UInt
        ) {
            log.append("\(message)", metadata.merging(explicit ?? [:]) { $1 })
        }
    }
}

@Suite("Request log")
struct RequestLogTests {
    @Test(
        "with log.requests all, each request logs one line with its route and status, under the id the response carries as X-Request-Id"
    )
    func requestID() async throws {
        let state = try platformState(root: repositoryRoot + "/examples/homelab")
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false)
        let captured = CapturedLog()
        let app = Application(
            router: try await buildRouter(
                state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot, requestLogging: .all),
            logger: captured.logger)
        try await app.test(.router) { client in
            let id = try await client.execute(uri: "/catalog/component/default/grafana", method: .get) { response in
                response.headers[HTTPField.Name("X-Request-Id")!]
            }
            let requestID = try #require(id)
            let line = try #require(
                captured.all.first { $0.message == "request" && $0.metadata["hb.request.id"]?.description == requestID }
            )
            #expect(line.metadata["route"]?.description == "/catalog/{kind}/{namespace}/{name}")
            #expect(line.metadata["status"]?.description == "200")
            #expect(line.metadata["method"]?.description == "GET")
        }
    }

    @Test(
        "log.requests errors logs refusals and failures only; none logs no request",
        arguments: [
            (HomeportConfig.RequestLogging.errors, ["/catalog": false, "/no-such-page": true]),
            (.none, ["/catalog": false, "/no-such-page": false]),
        ])
    func requestLogging(_ logging: HomeportConfig.RequestLogging, _ logged: [String: Bool]) async throws {
        let state = try platformState(root: repositoryRoot + "/examples/homelab")
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false)
        let captured = CapturedLog()
        let app = Application(
            router: try await buildRouter(
                state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot, requestLogging: logging),
            logger: captured.logger)
        try await app.test(.router) { client in
            for (path, expected) in logged {
                let id = try await client.execute(uri: path, method: .get) { response in
                    response.headers[HTTPField.Name("X-Request-Id")!]
                }
                let requestID = try #require(id, "every response carries its id")
                let line = captured.all.first {
                    $0.message == "request" && $0.metadata["hb.request.id"]?.description == requestID
                }
                #expect((line != nil) == expected, "\(logging) \(path)")
            }
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The HTTP provider suites run one test at a time. In this sandbox (gVisor), concurrent libcurl
/// connections to in-process Hummingbird test servers stall: about a second each through
/// 127.0.0.1, and up to the 30 s timeout through "localhost". One at a time, the suites take ~2 s.
@Suite("HTTP providers against fake forges", .serialized)
struct ForgeTests {}

/// The repository's root folder (for `Tests/Fixtures`).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .path

let quietLogger: Logger = {
    var logger = Logger(label: "gitops-tests")
    logger.logLevel = .critical
    return logger
}()

/// A recorded JSON example from `Tests/Fixtures/<name>`.
func fixture(_ name: String) -> JSONValue {
    let path = "\(repositoryRoot)/Tests/Fixtures/\(name)"
    guard let data = FileManager.default.contents(atPath: path), let value = JSONValue.parse(data) else {
        fatalError("fixture \(path) is missing or not JSON")
    }
    return value
}

/// One request as the fake server received it.
struct RecordedRequest: Sendable, CustomStringConvertible {
    var method: String
    /// Raw path, percent-encoding kept (`/repos/o/r/contents/a%20b.yaml`).
    var path: String
    var rawQuery: String?
    /// Decoded query parameters.
    var query: [String: String]
    /// Header names lower-cased.
    var headers: [String: String]
    var bodyText: String
    var body: JSONValue?

    /// `GET /repos/o/r/pulls?state=open`
    var line: String { "\(method) \(path)\(rawQuery.map { "?\($0)" } ?? "")" }
    var description: String { line }
}

/// A canned answer the fake gives instead of its normal one.
struct Fault: Sendable {
    var method: String?
    /// The request path must contain this.
    var pathContains: String?
    var status: Int
    var headers: [String: String]
    var body: JSONValue?
    /// How many matching requests get the fault; `Int.max` for all.
    var remaining: Int
}

/// The fake's answer.
struct FakeResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: JSONValue?

    static func json(_ status: Int, _ body: JSONValue, headers: [String: String] = [:]) -> FakeResponse {
        FakeResponse(status: status, headers: headers, body: body)
    }
}

/// What every fake forge shares: the request log, fault injection, and a real HTTP server.
protocol FakeForge: Actor {
    var requests: [RecordedRequest] { get set }
    var faults: [Fault] { get set }
    func answer(_ request: RecordedRequest) -> FakeResponse
}

extension FakeForge {
    /// Makes the next `times` requests matching `method` and `path` answer `status`.
    func inject(
        _ status: Int,
        method: String? = nil,
        path: String? = nil,
        headers: [String: String] = [:],
        body: JSONValue? = nil,
        times: Int = 1
    ) {
        faults.append(
            Fault(method: method, pathContains: path, status: status, headers: headers, body: body, remaining: times))
    }

    func handle(_ request: RecordedRequest) -> FakeResponse {
        requests.append(request)
        if let index = faults.firstIndex(where: { fault in
            fault.remaining > 0
                && (fault.method == nil || fault.method == request.method)
                && (fault.pathContains.map { request.path.contains($0) } ?? true)
        }) {
            faults[index].remaining -= faults[index].remaining == Int.max ? 0 : 1
            let fault = faults[index]
            return FakeResponse(status: fault.status, headers: fault.headers, body: fault.body)
        }
        return answer(request)
    }

    func recorded() -> [RecordedRequest] { requests }

    /// `METHOD path?query` of every request, in order.
    func lines() -> [String] { requests.map(\.line) }
}

/// Runs `forge` as a real HTTP server on 127.0.0.1 and calls `body` with its port.
func serve<Forge: FakeForge>(_ forge: Forge, _ body: @Sendable (Int) async throws -> Void) async throws {
    let router = Router()
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
        router.on("**", method: method) { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName] = field.value
            }
            let recorded = RecordedRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                rawQuery: request.uri.query,
                query: parseQuery(request.uri.query),
                headers: headers,
                bodyText: String(decoding: bytes, as: UTF8.self),
                body: bytes.isEmpty ? nil : JSONValue.parse(Data(bytes))
            )
            let answer = await forge.handle(recorded)
            var fields = HTTPFields()
            fields[.contentType] = "application/json; charset=utf-8"
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) {
                    fields[name] = value
                }
            }
            let data = answer.body?.data ?? Data()
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
            )
        }
    }
    let app = Application(router: router, logger: quietLogger)
    try await app.test(.live) { client in
        guard let port = client.port else {
            fatalError("the live test server has no port")
        }
        try await body(port)
    }
}

func parseQuery(_ query: String?) -> [String: String] {
    guard let query, !query.isEmpty else { return [:] }
    var result: [String: String] = [:]
    for pair in query.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        result[key] = value
    }
    return result
}

/// Base64 the way GitHub serves file contents: wrapped every 60 characters, with a final newline.
func wrappedBase64(_ bytes: [UInt8]) -> String {
    let plain = Data(bytes).base64EncodedString()
    var lines: [Substring] = []
    var rest = Substring(plain)
    while !rest.isEmpty {
        lines.append(rest.prefix(60))
        rest = rest.dropFirst(60)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// A closed port on 127.0.0.1: connecting to it is refused.
func closedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { _ = close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Collects what a provider's `trace` handler receives.
final class TraceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [GitProviderTraceBox] = []

    var lines: [String] { lock.withLock { entries.map(\.text) } }

    func record(_ text: String) {
        lock.withLock { entries.append(GitProviderTraceBox(text: text)) }
    }
}

struct GitProviderTraceBox: Sendable {
    var text: String
}

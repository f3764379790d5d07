import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging

// A fake forge (GitHub, Gitea) as a real HTTP server: the requests it received, faults to inject,
// and answers built from the recorded examples in Tests/Fixtures/github and Tests/Fixtures/gitea.

/// A recorded JSON example from `Tests/Fixtures/<name>`.
public func jsonFixture(_ name: String) -> JSONValue {
    let path = "\(fixturesRoot)/\(name)"
    guard let data = FileManager.default.contents(atPath: path), let value = JSONValue.parse(data) else {
        fatalError("fixture \(path) is missing or not JSON")
    }
    return value
}

/// One request as the fake server received it.
public struct ForgeRequest: Sendable, CustomStringConvertible {
    public var method: String
    /// Raw path, percent-encoding kept (`/repos/o/r/contents/a%20b.yaml`).
    public var path: String
    public var rawQuery: String?
    /// Decoded query parameters.
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var bodyText: String
    public var body: JSONValue?

    /// `GET /repos/o/r/pulls?state=open`
    public var line: String { "\(method) \(path)\(rawQuery.map { "?\($0)" } ?? "")" }
    public var description: String { line }
}

/// A canned answer the fake gives instead of its normal one.
public struct Fault: Sendable {
    public var method: String?
    /// The request path must contain this.
    public var pathContains: String?
    public var status: Int
    public var headers: [String: String]
    public var body: JSONValue?
    /// How many matching requests get the fault; `Int.max` for all.
    public var remaining: Int
}

/// The fake's answer.
public struct FakeResponse: Sendable {
    public var status: Int
    public var headers: [String: String] = [:]
    public var body: JSONValue?

    public static func json(_ status: Int, _ body: JSONValue, headers: [String: String] = [:]) -> FakeResponse {
        FakeResponse(status: status, headers: headers, body: body)
    }
}

/// What every fake forge shares: the request log, fault injection, and a real HTTP server.
public protocol FakeForge: Actor {
    var requests: [ForgeRequest] { get set }
    var faults: [Fault] { get set }
    func answer(_ request: ForgeRequest) -> FakeResponse
}

extension FakeForge {
    /// Makes the next `times` requests matching `method` and `path` answer `status`.
    public func inject(
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

    /// Drops every fault not yet used up: the forge is well again.
    public func heal() { faults.removeAll() }

    public func handle(_ request: ForgeRequest) -> FakeResponse {
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

    public func recorded() -> [ForgeRequest] { requests }

    /// `METHOD path?query` of every request, in order.
    public func lines() -> [String] { requests.map(\.line) }
}

/// Runs `forge` as a real HTTP server on 127.0.0.1 and calls `body` with its port.
public func serve<Forge: FakeForge>(_ forge: Forge, _ body: @Sendable (Int) async throws -> Void) async throws {
    let router = Router()
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
        router.on("**", method: method) { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName] = field.value
            }
            let recorded = ForgeRequest(
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

public func parseQuery(_ query: String?) -> [String: String] {
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
public func wrappedBase64(_ bytes: [UInt8]) -> String {
    let plain = Data(bytes).base64EncodedString()
    var lines: [Substring] = []
    var rest = Substring(plain)
    while !rest.isEmpty {
        lines.append(rest.prefix(60))
        rest = rest.dropFirst(60)
    }
    return lines.joined(separator: "\n") + "\n"
}

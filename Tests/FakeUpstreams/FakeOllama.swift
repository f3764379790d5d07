import Foundation
import Hummingbird
import Logging
import Synchronization

// Fakes of the services Homeport calls, as real HTTP servers on 127.0.0.1, shared by every test
// target that needs one. They replay recorded and authored transcripts from Tests/Fixtures.

/// Tests/Fixtures.
public let fixturesRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path

/// A file of Tests/Fixtures/ollama.
public func fixture(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: fixturesRoot + "/ollama/" + name)))
}

/// The lines of an NDJSON transcript, without their newlines.
public func transcriptLines(_ name: String) throws -> [String] {
    String(decoding: try fixture(name), as: UTF8.self).split(separator: "\n").map(String.init)
}

/// The `message.content` of each line of a chat transcript that carries text, in order, up to the
/// first line that is not JSON: what a client streams to its user.
public func transcriptTokens(_ name: String) throws -> [String] {
    var tokens: [String] = []
    for line in try transcriptLines(name) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { break }
        if let message = object["message"] as? [String: Any], let content = message["content"] as? String,
            !content.isEmpty
        {
            tokens.append(content)
        }
    }
    return tokens
}

let quietLogger: Logger = {
    var logger = Logger(label: "fake-upstreams")
    logger.logLevel = .critical
    return logger
}()

/// A value shared between a test and the callbacks it hands out.
public final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    public init(_ value: Value) {
        self.value = Mutex(value)
    }

    public var current: Value {
        value.withLock { $0 }
    }

    public func update(_ body: (inout Value) -> Void) {
        value.withLock { body(&$0) }
    }
}

/// Holds a fake server's handler until the test opens it (or `limit` passes, so that a failed test
/// never hangs the server's shutdown).
public final class Gate: Sendable {
    private let state = Shared(false)

    public init() {}

    public func open() {
        state.update { $0 = true }
    }

    public var isOpen: Bool { state.current }

    /// Returns when the gate opens, or after `limit`.
    public func wait(limit: Duration = .seconds(20)) async {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !isOpen, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A request the fake Ollama received.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var contentType: String?
    public var body: [UInt8]

    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }
}

/// What the fake Ollama answers to `POST /api/chat` for a model it has.
public enum ChatScript: Sendable {
    /// Replays a transcript, one line per write, `pause` between lines; or, with `chunkSize`, in pieces
    /// of that many bytes that cut lines anywhere.
    case replay(String, pause: Duration = .milliseconds(2), chunkSize: Int? = nil)
    /// Sends a whole transcript in one write, then keeps the connection open, sending nothing, until
    /// `gate` opens. One write, so that however loaded the machine, no pause can fall between lines.
    case replayThenStall(String, gate: Gate)
    /// Replays a transcript one line every `pause`, stopping early once `gate` opens.
    case drip(String, pause: Duration, gate: Gate)
    /// Sends nothing, not even the status line (as Ollama while it loads a model), until `gate` opens.
    case silent(gate: Gate)
    /// Answers `status` with `body` (JSON when it starts with "{").
    case status(Int, String)
}

/// A fake Ollama on a real socket: `/api/tags` from `tags.json`, `/api/chat` by `script`, and the
/// 404 real Ollama gives for a model it does not have.
public struct FakeOllama: Sendable {
    public var script: ChatScript
    public let requests = Shared<[RecordedRequest]>([])

    public init(_ script: ChatScript) {
        self.script = script
    }

    public func application() throws -> some ApplicationProtocol {
        let tags = try fixture("tags.json")
        let knownModels = Set((try JSONDecoder().decode(Tags.self, from: Data(tags))).models.map(\.name))
        let script = self.script
        let requests = self.requests
        let router = Router()
        router.get("/api/tags") { request, _ -> Response in
            requests.update {
                $0.append(RecordedRequest(method: "GET", path: request.uri.path, contentType: nil, body: []))
            }
            return Self.json(.ok, tags)
        }
        router.post("/api/chat") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let recorded = RecordedRequest(
                method: "\(request.method)", path: request.uri.path, contentType: request.headers[.contentType],
                body: Array(body.readableBytesView)
            )
            requests.update { $0.append(recorded) }
            let model = recorded.json["model"] as? String ?? ""
            guard knownModels.contains(model) else {
                let escaped = model.replacingOccurrences(of: "\"", with: "\\\"")
                return Self.json(
                    .notFound, Array(#"{"error":"model \"\#(escaped)\" not found, try pulling it first"}"#.utf8))
            }
            return try await Self.answer(script)
        }
        return Application(router: router, logger: quietLogger)
    }

    private static func answer(_ script: ChatScript) async throws -> Response {
        switch script {
        case .replay(let name, let pause, let chunkSize):
            let bytes = try fixture(name)
            let pieces: [[UInt8]]
            if let chunkSize {
                pieces = stride(from: 0, to: bytes.count, by: chunkSize).map {
                    Array(bytes[$0..<min($0 + chunkSize, bytes.count)])
                }
            } else {
                pieces = try transcriptLines(name).map { Array(($0 + "\n").utf8) }
            }
            return ndjson { writer in
                for piece in pieces {
                    try await writer.write(ByteBuffer(bytes: piece))
                    try await Task.sleep(for: pause)
                }
            }
        case .replayThenStall(let name, let gate):
            let bytes = try fixture(name)
            return ndjson { writer in
                try await writer.write(ByteBuffer(bytes: bytes))
                await gate.wait()
            }
        case .drip(let name, let pause, let gate):
            let lines = try transcriptLines(name)
            return ndjson { writer in
                for line in lines where !gate.isOpen {
                    try await writer.write(ByteBuffer(string: line + "\n"))
                    try await Task.sleep(for: pause)
                }
            }
        case .silent(let gate):
            await gate.wait()
            return Response(status: .serviceUnavailable)
        case .status(let code, let body):
            if body.hasPrefix("{") {
                return json(.init(code: code), Array(body.utf8))
            }
            return Response(
                status: .init(code: code), headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    private static func ndjson(_ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void)
        -> Response
    {
        Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"],
            body: ResponseBody { writer in
                try await write(&writer)
                try await writer.finish(nil)
            })
    }

    private static func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private struct Tags: Decodable {
        struct Model: Decodable { var name: String }
        var models: [Model]
    }
}

/// A loopback port with nothing listening: connecting is refused.
public func closedPort() -> Int {
    let listener = LoopbackSocket(listenBacklog: nil)
    defer { listener.close() }
    return listener.port
}

/// A loopback listener that never accepts, with its one-place accept queue already taken, so the
/// kernel drops new handshakes and a connection attempt hangs until the client's connect timeout.
public final class UnansweredListener: Sendable {
    private let listener: LoopbackSocket
    private let filler: Int32
    public var port: Int { listener.port }

    public init() {
        listener = LoopbackSocket(listenBacklog: 0)
        var address = LoopbackSocket.address(port: listener.port)
        filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    public func close() {
        _ = Glibc.close(filler)
        listener.close()
    }
}

/// A TCP socket bound to a free loopback port.
public struct LoopbackSocket: Sendable {
    public let descriptor: Int32
    public let port: Int

    public init(listenBacklog: Int32?) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        if let listenBacklog {
            _ = listen(descriptor, listenBacklog)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    public func close() {
        _ = Glibc.close(descriptor)
    }

    /// A socket connected to `port` on 127.0.0.1 whose reads give up after `receiveTimeout`
    /// seconds; nil when the connection is refused.
    public static func connected(to port: Int, receiveTimeout: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            return nil
        }
        var limit = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }
}

import Foundation
import HTTPClient
import Hummingbird
import HummingbirdTesting
import Testing

/// The error a transfer ended with, or nil when it succeeded.
func transferError(_ body: () async throws -> UpstreamResponse) async -> HTTPClientError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? HTTPClientError
    }
}

@Suite("libcurl client: streaming, limits and cancellation")
struct CurlStreamingTests {
    /// An upstream whose answers wait on `gate` at the interesting moment; `lateCalls` counts the
    /// requests that reached "/late".
    func upstream(_ gate: Gate, lateCalls: Shared<Int> = Shared(0)) -> some ApplicationProtocol {
        let router = Router()
        // One line, then (once the client has seen it and opened the gate) another.
        router.get("/two-lines") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first\n"))
                    await gate.wait()
                    try await writer.write(ByteBuffer(string: "second\n"))
                    try await writer.finish(nil)
                })
        }
        // Nothing at all until the gate opens.
        router.get("/late") { _, _ -> String in
            lateCalls.update { $0 += 1 }
            await gate.wait()
            return "late"
        }
        // One line, then silence with the connection open.
        router.get("/stall") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first\n"))
                    await gate.wait()
                    try await writer.finish(nil)
                })
        }
        // A steady trickle, never silent for long.
        router.get("/trickle") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for index in 0..<200 where !gate.isOpen {
                        try await writer.write(ByteBuffer(string: "line \(index)\n"))
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/missing") { _, _ in
            Response(
                status: .notFound, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"no such thing"}"#))
            )
        }
        return Application(router: router, logger: quietLogger)
    }

    @Test("chunks reach onChunk as they arrive; the response carries status and headers, not the body")
    func chunksAsTheyArrive() async throws {
        let gate = Gate()
        try await upstream(gate).test(.live) { client in
            let port = try #require(client.port)
            let received = Shared<[UInt8]>([])
            let start = ContinuousClock.now
            let response = try await CurlHTTPClient().stream(
                UpstreamRequest(url: "http://127.0.0.1:\(port)/two-lines"), firstByteTimeout: 30, idleTimeout: 30
            ) { chunk in
                received.update { $0 += chunk }
                // The server sends its second line only after this: a client that waited for the
                // whole body would wait for the gate's 20 s limit.
                if String(decoding: received.current, as: UTF8.self).contains("first\n") { gate.open() }
            }
            #expect(seconds(since: start) < quickEnough)
            #expect(String(decoding: received.current, as: UTF8.self) == "first\nsecond\n")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain")
            #expect(response.body.isEmpty)
        }
    }

    @Test("an error status returns its body instead of streaming it")
    func errorStatusKeepsBody() async throws {
        try await upstream(Gate()).test(.live) { client in
            let port = try #require(client.port)
            let chunks = Shared(0)
            let response = try await CurlHTTPClient().stream(
                UpstreamRequest(url: "http://127.0.0.1:\(port)/missing"), firstByteTimeout: 30, idleTimeout: 30
            ) { _ in chunks.update { $0 += 1 } }
            #expect(response.status == 404)
            #expect(response.text == #"{"error":"no such thing"}"#)
            #expect(chunks.current == 0)
            // `send` still returns the whole body, through the same code.
            let sent = try await CurlHTTPClient().send(UpstreamRequest(url: "http://127.0.0.1:\(port)/missing"))
            #expect(sent.status == 404)
            #expect(sent.text == #"{"error":"no such thing"}"#)
        }
    }

    @Test(
        "a silent upstream trips the first-byte limit, a stalled one the idle limit",
        arguments: [
            ("/late", HTTPClientError.TimeoutLimit.firstByte, "no response within 0.5 s"),
            ("/stall", HTTPClientError.TimeoutLimit.idle, "stalled: nothing for 0.5 s"),
        ]
    )
    func streamingLimits(path: String, limit: HTTPClientError.TimeoutLimit, message: String) async throws {
        // Only the limit under test is short (the fake never satisfies it): the other one must not
        // fire first on a loaded machine, where "/stall"'s first line may take seconds to come.
        let (firstByte, idle) = limit == .firstByte ? (0.5, 30.0) : (30.0, 0.5)
        let gate = Gate()
        try await upstream(gate).test(.live) { client in
            let port = try #require(client.port)
            // The first-byte limit counts from the start, the idle limit from the last chunk.
            let (error, elapsed) = await onOwnThread {
                let lastEvent = Shared(ContinuousClock.now)
                let error = await transferError {
                    try await CurlHTTPClient().stream(
                        UpstreamRequest(url: "http://127.0.0.1:\(port)\(path)", timeout: 60),
                        firstByteTimeout: firstByte, idleTimeout: idle
                    ) { _ in lastEvent.update { $0 = .now } }
                }
                return (error, seconds(since: lastEvent.current))
            }
            gate.open()
            #expect(error?.kind == .timeout)
            #expect(error?.timeoutLimit == limit)
            #expect(error?.message == message)
            expectFired(after: elapsed, limit: 0.5)
        }
    }

    @Test("the whole-exchange timeout still bounds a stream that never goes quiet")
    func totalTimeout() async throws {
        let gate = Gate()
        try await upstream(gate).test(.live) { client in
            let port = try #require(client.port)
            let (error, elapsed) = await onOwnThread {
                let start = ContinuousClock.now
                let error = await transferError {
                    try await CurlHTTPClient().stream(
                        UpstreamRequest(url: "http://127.0.0.1:\(port)/trickle", timeout: 0.8), firstByteTimeout: 30,
                        idleTimeout: 30
                    ) { _ in }
                }
                return (error, seconds(since: start))
            }
            gate.open()
            #expect(error?.kind == .timeout)
            #expect(error?.timeoutLimit == .total)
            expectFired(after: elapsed, limit: 0.8)
        }
    }

    @Test("a port that never answers the handshake is a connect timeout")
    func connectTimeout() async {
        let listener = UnansweredListener()
        defer { listener.close() }
        let (error, elapsed) = await onOwnThread {
            let start = ContinuousClock.now
            let error = await transferError {
                try await CurlHTTPClient().send(
                    UpstreamRequest(url: "http://127.0.0.1:\(listener.port)/", connectTimeout: 0.5))
            }
            return (error, seconds(since: start))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.timeoutLimit == .connect)
        expectFired(after: elapsed, limit: 0.5)
    }

    @Test("cancelling the task aborts a stream and a plain send, fast")
    func cancellation() async throws {
        let gate = Gate()
        let lateCalls = Shared(0)
        try await upstream(gate, lateCalls: lateCalls).test(.live) { client in
            let port = try #require(client.port)
            let chunks = Shared(0)
            let streaming = Task(executorPreference: OwnThreadExecutor.shared) {
                await transferError {
                    try await CurlHTTPClient().stream(
                        UpstreamRequest(url: "http://127.0.0.1:\(port)/stall", timeout: 30), firstByteTimeout: nil,
                        idleTimeout: nil
                    ) { _ in chunks.update { $0 += 1 } }
                }
            }
            await eventually { chunks.current > 0 }
            let (streamError, streamSeconds) = await onOwnThread {
                let start = ContinuousClock.now
                streaming.cancel()
                return (await streaming.value, seconds(since: start))
            }
            #expect(streamError?.kind == .cancelled)
            #expect(streamSeconds < quickEnough)

            let sending = Task(executorPreference: OwnThreadExecutor.shared) {
                await transferError {
                    try await CurlHTTPClient().send(UpstreamRequest(url: "http://127.0.0.1:\(port)/late", timeout: 30))
                }
            }
            // Cancelled while the server holds the request.
            await eventually { lateCalls.current == 1 }
            let (sendError, sendSeconds) = await onOwnThread {
                let start = ContinuousClock.now
                sending.cancel()
                return (await sending.value, seconds(since: start))
            }
            #expect(sendError?.kind == .cancelled)
            #expect(sendError?.message == "the request was cancelled")
            #expect(sendSeconds < quickEnough)
            gate.open()
        }
    }

    @Test("a consumer that returns .stop ends the transfer without an error")
    func consumerStops() async throws {
        let gate = Gate()
        try await upstream(gate).test(.live) { client in
            let port = try #require(client.port)
            let received = Shared<[UInt8]>([])
            let start = ContinuousClock.now
            let response = try await CurlHTTPClient().streamUntilStopped(
                UpstreamRequest(url: "http://127.0.0.1:\(port)/two-lines"), firstByteTimeout: 30, idleTimeout: 30
            ) { chunk in
                received.update { $0 += chunk }
                return .stop
            }
            gate.open()
            #expect(response.status == 200)
            #expect(String(decoding: received.current, as: UTF8.self) == "first\n")
            #expect(seconds(since: start) < quickEnough)
        }
    }
}

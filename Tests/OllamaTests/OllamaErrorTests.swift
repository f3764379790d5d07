import Foundation
import HTTPClient
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ollama

@Suite("Ollama client: every failure has its kind, its message and the partial text")
struct OllamaErrorTests {
    /// Limits that must not fire. The fake answers at once, but on a loaded machine "at once" can
    /// take seconds, so they are far longer than any scheduling delay.
    let patient = OllamaTimeouts(connect: 30, firstToken: 30, total: 60, stall: 30)

    func chat(_ port: Int, _ timeouts: OllamaTimeouts, model: String = recordedModel, log: TokenLog = TokenLog()) async
        -> OllamaError?
    {
        await ollamaError {
            try await OllamaClient(baseURL: "http://127.0.0.1:\(port)", timeouts: timeouts)
                .chat(model: model, messages: draftMessages, options: ChatOptions(), onToken: log.record)
        }
    }

    @Test("an {\"error\"} line mid-stream is an upstream error that keeps the text so far")
    func errorMidStream() async throws {
        try await FakeOllama(.replay("chat-stream-error-midway.ndjson")).application().test(.live) { http in
            let log = TokenLog()
            let port = try #require(http.port)
            let error = try #require(await chat(port, patient, log: log))
            #expect(error.kind == .upstream)
            #expect(
                error.message
                    == "Ollama reported an error: an error was encountered while running the model: llama runner process has terminated: signal: killed"
            )
            #expect(error.partialContent == "```yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name:")
            #expect(log.all.joined() == error.partialContent)
        }
    }

    @Test("a line that is not JSON ends the chat as a malformed stream; later tokens are not passed on")
    func invalidLine() async throws {
        try await FakeOllama(.replay("chat-stream-invalid-json.ndjson")).application().test(.live) { http in
            let log = TokenLog()
            let port = try #require(http.port)
            let error = try #require(await chat(port, patient, log: log))
            let tokens = try transcriptTokens("chat-stream-invalid-json.ndjson")
            #expect(tokens.count == 8)
            #expect(error.kind == .malformedStream)
            #expect(
                error.message
                    == #"line 9 of Ollama's stream is not a chat line: {"model":"qwen2.5-coder:0.5b","created_at":"2026-11-26T19"#
            )
            #expect(error.partialContent == tokens.joined())
            #expect(log.all == tokens)
        }
    }

    @Test("a stream that ends without its final line is malformed")
    func missingFinalLine() async throws {
        try await FakeOllama(.replay("chat-stream-stall.ndjson")).application().test(.live) { http in
            let port = try #require(http.port)
            let error = try #require(await chat(port, patient))
            #expect(error.kind == .malformedStream)
            #expect(error.message == "Ollama's stream ended without its final line")
            #expect(error.partialContent == (try transcriptTokens("chat-stream-stall.ndjson")).joined())
        }
    }

    @Test("a model Ollama does not have is modelNotFound")
    func unknownModel() async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let error = try #require(await chat(port, patient, model: "llama3.1:70b"))
            #expect(error.kind == .modelNotFound)
            #expect(
                error.message
                    == #"model "llama3.1:70b" is not on Ollama at http://127.0.0.1:\#(port): pull it first (ollama pull llama3.1:70b)"#
            )
            #expect(error.partialContent.isEmpty)
            #expect(fake.requests.current.only?.json["model"] as? String == "llama3.1:70b")
        }
    }

    @Test(
        "other error statuses are upstream errors with Ollama's text",
        arguments: [
            (
                500, #"{"error":"llama runner process has terminated: exit status 2"}"#,
                "Ollama answered 500: llama runner process has terminated: exit status 2"
            ),
            (
                400, #"{"error":"json: cannot unmarshal string into Go struct field"}"#,
                "Ollama answered 400: json: cannot unmarshal string into Go struct field"
            ),
            (404, "404 page not found", "Ollama answered 404: 404 page not found"),
            (
                502, "<html><body>Bad Gateway</body></html>",
                "Ollama answered 502: <html><body>Bad Gateway</body></html>"
            ),
        ])
    func errorStatus(status: Int, body: String, message: String) async throws {
        try await FakeOllama(.status(status, body)).application().test(.live) { http in
            let port = try #require(http.port)
            let error = try #require(await chat(port, patient))
            #expect(error.kind == .upstream)
            #expect(error.message == message)
        }
    }

    @Test("a closed port is unreachable, for chats and for the model list")
    func refused() async throws {
        let port = closedPort()
        let error = try #require(await chat(port, patient))
        #expect(error.kind == .unreachable)
        #expect(error.message == "Ollama at http://127.0.0.1:\(port) is not reachable: connection refused")
        let listing = await ollamaError {
            try await OllamaClient(baseURL: "http://127.0.0.1:\(port)", timeouts: patient).models()
        }
        #expect(listing == error)
    }

    @Test("a handshake nobody answers is a connect timeout, near its limit")
    func connectTimeout() async throws {
        let listener = UnansweredListener()
        defer { listener.close() }
        // Only the connect limit is short: nobody ever answers the handshake, so it fires however
        // loaded the machine is. (The first-token limit counts from the start: it must be longer.)
        let (failure, elapsed) = await onOwnThread {
            let start = ContinuousClock.now
            let error = await chat(listener.port, OllamaTimeouts(connect: 0.5, firstToken: 30, total: 60, stall: 30))
            return (error, seconds(since: start))
        }
        let error = try #require(failure)
        #expect(error.kind == .connectTimeout)
        #expect(error.message == "Ollama at http://127.0.0.1:\(listener.port) did not accept a connection within 0.5 s")
        expectFired(after: elapsed, limit: 0.5)
    }

    @Test("no token within firstToken is a first-token timeout, near its limit")
    func firstTokenTimeout() async throws {
        let gate = Gate()
        try await FakeOllama(.silent(gate: gate)).application().test(.live) { http in
            let port = try #require(http.port)
            let (failure, elapsed) = await onOwnThread {
                let start = ContinuousClock.now
                // The fake sends nothing until the gate opens, so only the short limit can end the chat.
                let error = await chat(port, OllamaTimeouts(connect: 30, firstToken: 0.5, total: 60, stall: 30))
                return (error, seconds(since: start))
            }
            gate.open()
            let error = try #require(failure)
            #expect(error.kind == .firstTokenTimeout)
            #expect(error.message == #"model "qwen2.5-coder:0.5b" sent no token within 0.5 s"#)
            #expect(error.partialContent.isEmpty)
            expectFired(after: elapsed, limit: 0.5)
        }
    }

    @Test("tokens that stop coming trip the stall limit, near its value, keeping the text so far")
    func stall() async throws {
        let gate = Gate()
        try await FakeOllama(.replayThenStall("chat-stream-stall.ndjson", gate: gate)).application().test(.live) {
            http in
            let port = try #require(http.port)
            let log = TokenLog()
            let (failure, silence) = await onOwnThread {
                // The fake sends the whole transcript in one write, then nothing until the gate opens:
                // the stall limit can only count the silence after the last token.
                let error = await chat(
                    port, OllamaTimeouts(connect: 30, firstToken: 30, total: 60, stall: 0.5), log: log)
                return (error, log.lastTokenAt.map { seconds(since: $0) } ?? 0)
            }
            gate.open()
            let error = try #require(failure)
            #expect(error.kind == .totalTimeout)
            #expect(error.message == #"model "qwen2.5-coder:0.5b" stalled: no token for 0.5 s"#)
            #expect(error.partialContent == "```yaml\napiVersion: apps/v1\nkind:")
            #expect(log.all == (try transcriptTokens("chat-stream-stall.ndjson")))
            expectFired(after: silence, limit: 0.5)
        }
    }

    @Test("a generation longer than total is a total timeout, near its value, keeping the text so far")
    func totalTimeout() async throws {
        let gate = Gate()
        try await FakeOllama(.drip("chat-stream-deployment.ndjson", pause: .milliseconds(50), gate: gate)).application()
            .test(.live) { http in
                let port = try #require(http.port)
                let log = TokenLog()
                let (failure, elapsed) = await onOwnThread {
                    let start = ContinuousClock.now
                    // The drip never pauses near the stall limit and needs over 4 s for the whole transcript;
                    // the total limit leaves the first tokens seconds to arrive on a loaded machine.
                    let error = await chat(
                        port, OllamaTimeouts(connect: 30, firstToken: 30, total: 3, stall: 30), log: log)
                    return (error, seconds(since: start))
                }
                gate.open()
                let error = try #require(failure)
                #expect(error.kind == .totalTimeout)
                #expect(error.message == #"model "qwen2.5-coder:0.5b" did not finish within 3 s"#)
                let tokens = try transcriptTokens("chat-stream-deployment.ndjson")
                #expect(!error.partialContent.isEmpty)
                #expect(log.all.count < tokens.count)
                #expect(log.all == Array(tokens.prefix(log.all.count)))
                #expect(error.partialContent == log.all.joined())
                expectFired(after: elapsed, limit: 3)
            }
    }

    @Test("cancelling the task ends the chat fast, well before the stall limit, keeping the text so far")
    func cancellation() async throws {
        let gate = Gate()
        try await FakeOllama(.replayThenStall("chat-stream-stall.ndjson", gate: gate)).application().test(.live) {
            http in
            let port = try #require(http.port)
            let log = TokenLog()
            let expected = try transcriptTokens("chat-stream-stall.ndjson")
            let timeouts = OllamaTimeouts(connect: 30, firstToken: 60, total: 120, stall: 60)
            let chatting = Task(executorPreference: OwnThreadExecutor.shared) { await chat(port, timeouts, log: log) }
            await eventually { log.all.count == expected.count }
            let (failure, elapsed) = await onOwnThread {
                let start = ContinuousClock.now
                chatting.cancel()
                return (await chatting.value, seconds(since: start))
            }
            gate.open()
            let error = try #require(failure)
            #expect(error.kind == .cancelled)
            #expect(error.message == "cancelled")
            #expect(error.partialContent == expected.joined())
            #expect(elapsed < quickEnough, "took \(elapsed) s")
        }
    }

    @Test(
        "transfer failures map to kinds",
        arguments: [
            (
                HTTPClientError(kind: .connectionRefused, message: "Failed to connect"), "",
                OllamaError.Kind.unreachable,
                "Ollama at http://ollama:11434 is not reachable: connection refused"
            ),
            (
                HTTPClientError(kind: .dns, message: "Could not resolve host: ollama"), "", .unreachable,
                "Ollama at http://ollama:11434 is not reachable: host not found"
            ),
            (
                HTTPClientError(kind: .tls, message: "SSL certificate problem"), "", .unreachable,
                "Ollama at http://ollama:11434 is not reachable: TLS failure: SSL certificate problem"
            ),
            (
                HTTPClientError(kind: .connectionReset, message: "Recv failure"), "", .unreachable,
                "Ollama at http://ollama:11434 is not reachable: connection reset (Recv failure)"
            ),
            (
                HTTPClientError(kind: .connectionReset, message: "Recv failure"), "kind:", .upstream,
                "Ollama at http://ollama:11434 dropped the connection mid-stream (Recv failure)"
            ),
            (
                HTTPClientError(kind: .timeout, message: "", timeoutLimit: .connect), "", .connectTimeout,
                "Ollama at http://ollama:11434 did not accept a connection within 5 s"
            ),
            (
                HTTPClientError(kind: .timeout, message: "", timeoutLimit: .firstByte), "", .firstTokenTimeout,
                #"model "m" sent no token within 120 s"#
            ),
            (
                HTTPClientError(kind: .timeout, message: "", timeoutLimit: .idle), "kind:", .totalTimeout,
                #"model "m" stalled: no token for 60 s"#
            ),
            (
                HTTPClientError(kind: .timeout, message: "", timeoutLimit: .total), "kind:", .totalTimeout,
                #"model "m" did not finish within 600 s"#
            ),
            (HTTPClientError(kind: .cancelled, message: ""), "kind:", .cancelled, "cancelled"),
        ])
    func transferFailures(error: HTTPClientError, partial: String, kind: OllamaError.Kind, message: String) {
        let failure = OllamaClient(baseURL: "http://ollama:11434/", timeouts: OllamaTimeouts()).failure(
            error, model: "m", partialContent: partial)
        #expect(failure.kind == kind)
        #expect(failure.message == message)
        #expect(failure.partialContent == partial)
    }
}

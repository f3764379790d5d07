import Foundation
import HTTPClient
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Ollama

/// The error a call ended with, or nil when it succeeded.
func ollamaError<T>(_ body: () async throws -> T) async -> OllamaError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? OllamaError
    }
}

let recordedModel = "qwen2.5-coder:0.5b"

let draftMessages = [
    ChatMessage(role: .system, content: "You write Kubernetes manifests. Answer with YAML only."),
    ChatMessage(role: .user, content: "Write a Kubernetes Deployment YAML for nginx with 2 replicas"),
]

/// Tokens a chat handed to `onToken`, in order, and when the last one came.
final class TokenLog: Sendable {
    private let state = Shared<(tokens: [String], lastAt: ContinuousClock.Instant?)>(([], nil))

    var all: [String] { state.current.tokens }
    var lastTokenAt: ContinuousClock.Instant? { state.current.lastAt }

    func record(_ token: String) {
        state.update {
            $0.tokens.append(token)
            $0.lastAt = .now
        }
    }
}

@Suite("Ollama client against a fake Ollama on a real socket")
struct OllamaClientTests {
    func client(
        _ port: Int, _ timeouts: OllamaTimeouts = OllamaTimeouts(connect: 2, firstToken: 10, total: 30, stall: 10)
    ) -> OllamaClient {
        OllamaClient(baseURL: "http://127.0.0.1:\(port)/", timeouts: timeouts)
    }

    @Test("sends the documented /api/chat request and streams the recorded tokens in order")
    func recordedChat() async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let log = TokenLog()
            let result = try await client(port).chat(
                model: recordedModel, messages: draftMessages, options: ChatOptions(temperature: 0.1, seed: 42),
                onToken: log.record
            )

            let request = try #require(fake.requests.current.only)
            #expect(request.method == "POST")
            #expect(request.path == "/api/chat")
            #expect(request.contentType == "application/json")
            let body = request.json
            #expect(Set(body.keys) == ["model", "messages", "stream", "options"])
            #expect(body["model"] as? String == recordedModel)
            #expect(body["stream"] as? Bool == true)
            let messages = try #require(body["messages"] as? [[String: String]])
            #expect(
                messages == [
                    ["role": "system", "content": "You write Kubernetes manifests. Answer with YAML only."],
                    ["role": "user", "content": "Write a Kubernetes Deployment YAML for nginx with 2 replicas"],
                ])
            let options = try #require(body["options"] as? [String: Any])
            #expect(Set(options.keys) == ["temperature", "seed"])
            #expect(options["temperature"] as? Double == 0.1)
            #expect(options["seed"] as? Int == 42)

            let expected = try transcriptTokens("chat-stream-deployment.ndjson")
            #expect(expected.count == 89)
            #expect(log.all == expected)
            #expect(result.content == expected.joined())
            #expect(result.content.hasPrefix("```yaml\napiVersion: apps/v1\n"))
            #expect(result.content.hasSuffix("- containerPort: 80\n```"))
            #expect(result.model == recordedModel)
            #expect(result.promptTokens == 36)
            #expect(result.outputTokens == 89)
            #expect(result.durationSeconds > 0 && result.durationSeconds < 10)
        }
    }

    @Test("num_predict is sent when set")
    func numPredict() async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson", pause: .zero))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            _ = try await client(port).chat(
                model: recordedModel, messages: draftMessages,
                options: ChatOptions(temperature: 0, seed: 7, numPredict: 600), onToken: { _ in }
            )
            let options = try #require(fake.requests.current.only?.json["options"] as? [String: Any])
            #expect(options["temperature"] as? Double == 0)
            #expect(options["seed"] as? Int == 7)
            #expect(options["num_predict"] as? Int == 600)
        }
    }

    @Test(
        "model output is passed on verbatim, whatever it holds",
        arguments: [
            "chat-stream-prose-fences.ndjson", "chat-stream-several-documents.ndjson", "chat-stream-broken-yaml.ndjson",
        ]
    )
    func adversarialOutput(transcript: String) async throws {
        let fake = FakeOllama(.replay(transcript, pause: .zero))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let log = TokenLog()
            let result = try await client(port).chat(
                model: recordedModel, messages: draftMessages, options: ChatOptions(), onToken: log.record)
            let expected = try transcriptTokens(transcript)
            #expect(log.all == expected)
            #expect(result.content == expected.joined())
            #expect(result.outputTokens == expected.count)
            #expect(result.promptTokens == 41)
        }
    }

    @Test("lines cut across network writes are put back together")
    func splitLines() async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson", pause: .milliseconds(1), chunkSize: 61))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let log = TokenLog()
            let result = try await client(port).chat(
                model: recordedModel, messages: draftMessages, options: ChatOptions(), onToken: log.record)
            #expect(log.all == (try transcriptTokens("chat-stream-deployment.ndjson")))
            #expect(result.outputTokens == 89)
        }
    }

    @Test("lists the models /api/tags reports")
    func models() async throws {
        let fake = FakeOllama(.status(500, "unused"))
        try await fake.application().test(.live) { http in
            let port = try #require(http.port)
            let models = try await client(port).models()
            #expect(
                models == [
                    OllamaModel(name: "qwen2.5-coder:0.5b", sizeBytes: 397_821_319, parameterSize: "494.03M"),
                    OllamaModel(name: "llama3.2:1b", sizeBytes: 1_321_098_329, parameterSize: "1.2B"),
                ])
            let request = try #require(fake.requests.current.only)
            #expect(request.method == "GET")
            #expect(request.path == "/api/tags")
            #expect(await client(port).isUp())
        }
        #expect(await client(closedPort()).isUp() == false)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

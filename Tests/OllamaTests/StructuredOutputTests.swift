import Foundation
import Hummingbird
import HummingbirdTesting
import Ollama
import Testing

/// Ollama's structured outputs: `format` holds "json" or the JSON schema itself (an object, not a
/// string), beside `model`, `messages`, `stream` and `options`, as Ollama's API documents it.
@Suite("Structured outputs: the format field")
struct StructuredOutputTests {
    static let schema: Ollama.JSONValue = [
        "type": "object",
        "properties": ["image": ["type": "string"], "replicas": ["type": "integer"]],
        "required": ["image", "replicas"],
    ]

    @Test(
        "format is sent as Ollama documents it: the schema object, the string json, or left out",
        arguments: [ChatFormat.schema(schema), .json, nil])
    func formatField(_ format: ChatFormat?) async throws {
        let fake = FakeOllama(.replay("chat-stream-deployment.ndjson"))
        try await fake.application().test(.live) { http in
            let client = OllamaClient(
                baseURL: "http://127.0.0.1:\(try #require(http.port))",
                timeouts: OllamaTimeouts(connect: 5, firstToken: 30, total: 60))
            _ = try await client.chat(
                model: recordedModel, messages: draftMessages, options: ChatOptions(), format: format, onToken: { _ in }
            )
            let body = try #require(fake.requests.current.only).json
            switch format {
            case .schema:
                let sent = try #require(body["format"] as? [String: Any])
                #expect(sent["type"] as? String == "object")
                #expect(sent["required"] as? [String] == ["image", "replicas"])
                #expect((sent["properties"] as? [String: Any])?.keys.sorted() == ["image", "replicas"])
            case .json:
                #expect(body["format"] as? String == "json")
            case nil:
                #expect(body["format"] == nil)
            }
            #expect(body["stream"] as? Bool == true)
        }
    }
}

import Foundation
import Testing

@testable import Ollama

@Suite("Chat stream decoder")
struct ChatStreamDecoderTests {
    /// Feeds `bytes` in pieces of `size`, then finishes; returns every token handed out.
    func decode(_ bytes: [UInt8], in size: Int) -> (tokens: [String], decoder: ChatStreamDecoder) {
        var decoder = ChatStreamDecoder()
        var tokens: [String] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            tokens += decoder.feed(Array(bytes[start..<min(start + size, bytes.count)]))
        }
        tokens += decoder.finish()
        return (tokens, decoder)
    }

    @Test("lines cut anywhere across chunks give the same tokens", arguments: [1, 2, 3, 7, 64, 1000, 1 << 20])
    func chunkBoundaries(size: Int) throws {
        let (tokens, decoder) = decode(try fixture("chat-stream-deployment.ndjson"), in: size)
        #expect(tokens == (try transcriptTokens("chat-stream-deployment.ndjson")))
        #expect(decoder.content == tokens.joined())
        #expect(decoder.content.hasPrefix("```yaml\napiVersion: apps/v1\nkind: Deployment\n"))
        #expect(decoder.model == "qwen2.5-coder:0.5b")
        #expect(decoder.outcome == .done(promptTokens: 36, outputTokens: 89))
    }

    @Test("a UTF-8 character split between chunks, CRLF line ends, blank lines and a last line without newline")
    func awkwardBytes() {
        let text = """
            {"model":"m","message":{"role":"assistant","content":"héllo ✓"},"done":false}\r

            {"model":"m","message":{"role":"assistant","content":"\\n"},"done":false}
            {"model":"m","message":{"role":"assistant","content":""},"done":true,"prompt_eval_count":3,"eval_count":2}
            """
        let bytes = Array(text.utf8)
        // Cut inside "é" (two bytes) and inside "✓" (three bytes).
        let eAcute = bytes.firstIndex(of: 0xC3)!
        let check = bytes.firstIndex(of: 0xE2)!
        var decoder = ChatStreamDecoder()
        var tokens = decoder.feed(Array(bytes[..<(eAcute + 1)]))
        tokens += decoder.feed(Array(bytes[(eAcute + 1)..<(check + 2)]))
        tokens += decoder.feed(Array(bytes[(check + 2)...]))
        #expect(decoder.outcome == nil)
        tokens += decoder.finish()
        #expect(tokens == ["héllo ✓", "\n"])
        #expect(decoder.outcome == .done(promptTokens: 3, outputTokens: 2))
    }

    @Test(
        "the final line of the documented format may have no message",
        arguments: [
            #"{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}"#
        ])
    func finalLineWithoutMessage(line: String) {
        var decoder = ChatStreamDecoder()
        #expect(decoder.feed(Array((line + "\n").utf8)).isEmpty)
        #expect(decoder.outcome == .done(promptTokens: 26, outputTokens: 282))
    }

    @Test(
        "a stream ends at an error line, a line that is not JSON, or JSON that is not a chat line",
        arguments: [
            (
                #"{"error":"llama runner process has terminated"}"#,
                ChatStreamDecoder.Outcome.upstreamError("llama runner process has terminated")
            ),
            (
                #"{"model":"m","created_at":"2026-11-26T19"#,
                .malformed(lineNumber: 2, line: #"{"model":"m","created_at":"2026-11-26T19"#)
            ),
            ("<html>502 Bad Gateway</html>", .malformed(lineNumber: 2, line: "<html>502 Bad Gateway</html>")),
            (#"{"status":"pulling manifest"}"#, .malformed(lineNumber: 2, line: #"{"status":"pulling manifest"}"#)),
            ("[1, 2]", .malformed(lineNumber: 2, line: "[1, 2]")),
        ])
    func endingLines(line: String, outcome: ChatStreamDecoder.Outcome) {
        let first = #"{"model":"m","message":{"role":"assistant","content":"kind:"},"done":false}"#
        let after = #"{"model":"m","message":{"role":"assistant","content":" Service"},"done":false}"#
        var decoder = ChatStreamDecoder()
        let tokens = decoder.feed(Array([first, line, after, ""].joined(separator: "\n").utf8))
        #expect(tokens == ["kind:"])
        #expect(decoder.outcome == outcome)
        #expect(decoder.content == "kind:")
        // Nothing after the end counts.
        #expect(decoder.feed(Array((after + "\n").utf8)).isEmpty)
        #expect(decoder.content == "kind:")
    }
}

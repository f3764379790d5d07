import Foundation

/// Turns the bytes of an `/api/chat` stream (NDJSON: one JSON object per line) into tokens.
///
/// Chunks may end anywhere, even inside a UTF-8 character; a line is decoded only once its newline
/// has come. Decoding stops at the first line that ends the stream: the final `done: true` line,
/// an `{"error": ...}` line, or a line that is not a chat line.
struct ChatStreamDecoder: Sendable {
    /// How the stream ended.
    enum Outcome: Equatable {
        case done(promptTokens: Int?, outputTokens: Int?)
        /// Ollama's `{"error": ...}` line.
        case upstreamError(String)
        /// A line that is not the JSON Ollama sends; `line` is its start, for the message.
        case malformed(lineNumber: Int, line: String)
    }

    /// The tokens so far, joined.
    private(set) var content = ""
    /// The model name the lines carry.
    private(set) var model: String?
    private(set) var outcome: Outcome?

    private var pending: [UInt8] = []
    private var lineNumber = 0

    /// Takes the next chunk; returns the tokens of the lines it completed, in order.
    mutating func feed(_ bytes: [UInt8]) -> [String] {
        guard outcome == nil else { return [] }
        pending.append(contentsOf: bytes)
        var tokens: [String] = []
        var lineStart = pending.startIndex
        while outcome == nil, let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            if let token = take(pending[lineStart..<newline]) {
                tokens.append(token)
            }
            lineStart = newline + 1
        }
        pending.removeSubrange(..<lineStart)
        return tokens
    }

    /// The stream has ended: decodes a last line that had no newline.
    mutating func finish() -> [String] {
        guard outcome == nil, !pending.isEmpty else { return [] }
        let last = pending
        pending.removeAll()
        return take(last[...]).map { [$0] } ?? []
    }

    /// Decodes one line; returns its token, if it carried text.
    private mutating func take(_ bytes: ArraySlice<UInt8>) -> String? {
        lineNumber += 1
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return nil }
        guard let line = try? JSONDecoder().decode(ChatStreamLine.self, from: Data(text.utf8)) else {
            outcome = .malformed(lineNumber: lineNumber, line: String(text.prefix(120)))
            return nil
        }
        if let error = line.error {
            outcome = .upstreamError(error)
            return nil
        }
        guard let done = line.done else {
            outcome = .malformed(lineNumber: lineNumber, line: String(text.prefix(120)))
            return nil
        }
        if let name = line.model { model = name }
        let token = line.message?.content ?? ""
        content += token
        if done {
            outcome = .done(promptTokens: line.promptEvalCount, outputTokens: line.evalCount)
        }
        return token.isEmpty ? nil : token
    }
}

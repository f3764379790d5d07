import Foundation
import HTTPClient
import Synchronization

/// Talks to one Ollama server: lists its models and streams chats.
///
/// Every failure is an `OllamaError` whose message a user can act on, and which keeps whatever text
/// had streamed before it (`partialContent`).
public struct OllamaClient: Sendable {
    /// Without a trailing slash, e.g. `http://127.0.0.1:11434`.
    public let baseURL: String
    public let timeouts: OllamaTimeouts
    private let http: CurlHTTPClient

    /// Longest wait for `/api/tags`, which answers from disk without loading a model.
    static let listingTimeout = 30.0

    public init(baseURL: String, timeouts: OllamaTimeouts, http: CurlHTTPClient = .init()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.timeouts = timeouts
        self.http = http
    }

    /// The models pulled on that Ollama (`GET /api/tags`), in its order.
    public func models() async throws(OllamaError) -> [OllamaModel] {
        let request = UpstreamRequest(
            url: baseURL + "/api/tags", connectTimeout: timeouts.connect,
            timeout: min(timeouts.total, Self.listingTimeout)
        )
        let response: UpstreamResponse
        do {
            response = try await http.send(request)
        } catch {
            throw failure(error, model: nil, partialContent: "")
        }
        guard (200..<300).contains(response.status) else {
            throw OllamaError(
                kind: .upstream,
                message:
                    "Ollama at \(baseURL) answered \(response.status) to /api/tags: \(Self.errorText(response.body))")
        }
        guard let tags = try? JSONDecoder().decode(TagsResponse.self, from: Data(response.body)) else {
            throw OllamaError(
                kind: .malformedStream,
                message:
                    "Ollama at \(baseURL) sent a model list that is not Ollama's JSON: \(Self.excerpt(response.body))")
        }
        return tags.models.map {
            OllamaModel(name: $0.name, sizeBytes: $0.size, parameterSize: $0.details?.parameterSize)
        }
    }

    /// Whether Ollama answers its model list.
    public func isUp() async -> Bool {
        (try? await models()) != nil
    }

    /// Streams a chat completion (`POST /api/chat`), handing each token to `onToken` as it arrives.
    ///
    /// `onToken` is called in order, on the transfer's thread, with every non-empty piece of the
    /// assistant's message; keep it short. The result holds the joined text and Ollama's token counts.
    /// Cancelling the calling task ends the stream within about a second (`.cancelled`).
    /// With `format`, Ollama constrains the answer to JSON or to the schema (structured outputs).
    public func chat(
        model: String,
        messages: [ChatMessage],
        options: ChatOptions,
        format: ChatFormat? = nil,
        onToken: @escaping @Sendable (String) -> Void
    ) async throws(OllamaError) -> ChatResult {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        do {
            body = try encoder.encode(
                ChatRequestBody(model: model, messages: messages, options: options, format: format))
        } catch {
            throw OllamaError(kind: .upstream, message: "could not encode the chat request: \(error)")
        }
        let request = UpstreamRequest(
            method: "POST", url: baseURL + "/api/chat", headers: [("Content-Type", "application/json")],
            body: Array(body), connectTimeout: timeouts.connect, timeout: timeouts.total
        )

        let decoder = Locked(ChatStreamDecoder())
        let clock = ContinuousClock()
        let start = clock.now
        let response: UpstreamResponse
        do {
            response = try await http.streamUntilStopped(
                request, firstByteTimeout: timeouts.firstToken, idleTimeout: timeouts.stall
            ) { chunk in
                let (tokens, ended) = decoder.withLock { decoder in (decoder.feed(chunk), decoder.outcome != nil) }
                tokens.forEach(onToken)
                return ended ? .stop : .proceed
            }
        } catch {
            throw failure(error, model: model, partialContent: decoder.withLock { $0.content })
        }
        let elapsed = start.duration(to: clock.now)

        guard (200..<300).contains(response.status) else {
            throw statusFailure(response, model: model)
        }
        decoder.withLock { $0.finish() }.forEach(onToken)
        let (content, streamedModel, outcome) = decoder.withLock { ($0.content, $0.model, $0.outcome) }
        switch outcome {
        case .done(let promptTokens, let outputTokens):
            return ChatResult(
                content: content, model: streamedModel ?? model, promptTokens: promptTokens, outputTokens: outputTokens,
                durationSeconds: elapsed / .seconds(1)
            )
        case .upstreamError(let message):
            throw OllamaError(kind: .upstream, message: "Ollama reported an error: \(message)", partialContent: content)
        case .malformed(let lineNumber, let line):
            throw OllamaError(
                kind: .malformedStream, message: "line \(lineNumber) of Ollama's stream is not a chat line: \(line)",
                partialContent: content
            )
        case nil:
            throw OllamaError(
                kind: .malformedStream, message: "Ollama's stream ended without its final line", partialContent: content
            )
        }
    }

    /// An error status from `/api/chat`: a missing model, or Ollama's own error.
    private func statusFailure(_ response: UpstreamResponse, model: String) -> OllamaError {
        let json = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        if response.status == 404, let json, json.error.contains("not found") {
            return OllamaError(
                kind: .modelNotFound,
                message: "model \"\(model)\" is not on Ollama at \(baseURL): pull it first (ollama pull \(model))"
            )
        }
        return OllamaError(
            kind: .upstream, message: "Ollama answered \(response.status): \(Self.errorText(response.body))")
    }

    /// Names the failure of a transfer to Ollama; `model` is nil for the model list.
    func failure(_ error: HTTPClientError, model: String?, partialContent: String) -> OllamaError {
        let unreachable = "Ollama at \(baseURL) is not reachable"
        switch error.kind {
        case .connectionRefused, .dns:
            return OllamaError(
                kind: .unreachable, message: "\(unreachable): \(error.kind.rawValue)", partialContent: partialContent)
        case .tls:
            return OllamaError(kind: .unreachable, message: "\(unreachable): \(error)", partialContent: partialContent)
        case .invalidRequest, .other:
            return OllamaError(
                kind: .unreachable, message: "\(unreachable): \(error.kind.rawValue) (\(error.message))",
                partialContent: partialContent
            )
        case .connectionReset where partialContent.isEmpty:
            return OllamaError(kind: .unreachable, message: "\(unreachable): connection reset (\(error.message))")
        case .connectionReset:
            return OllamaError(
                kind: .upstream, message: "Ollama at \(baseURL) dropped the connection mid-stream (\(error.message))",
                partialContent: partialContent
            )
        case .cancelled:
            return OllamaError(kind: .cancelled, message: "cancelled", partialContent: partialContent)
        case .timeout:
            let subject = model.map { "model \"\($0)\"" } ?? "Ollama at \(baseURL)"
            switch error.timeoutLimit {
            case .connect:
                return OllamaError(
                    kind: .connectTimeout,
                    message:
                        "Ollama at \(baseURL) did not accept a connection within \(secondsText(timeouts.connect))",
                    partialContent: partialContent
                )
            case .firstByte:
                return OllamaError(
                    kind: .firstTokenTimeout,
                    message: "\(subject) sent no token within \(secondsText(timeouts.firstToken))",
                    partialContent: partialContent
                )
            case .idle:
                return OllamaError(
                    kind: .totalTimeout, message: "\(subject) stalled: no token for \(secondsText(timeouts.stall))",
                    partialContent: partialContent
                )
            case .total, nil:
                let limit = model == nil ? min(timeouts.total, Self.listingTimeout) : timeouts.total
                return OllamaError(
                    kind: .totalTimeout, message: "\(subject) did not finish within \(secondsText(limit))",
                    partialContent: partialContent
                )
            }
        }
    }

    /// Ollama's `{"error": ...}` text, or the start of whatever else the body holds.
    static func errorText(_ body: [UInt8]) -> String {
        if let json = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)) {
            return json.error
        }
        let text = excerpt(body)
        return text.isEmpty ? "no details" : text
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// A value shared between the calling task and the transfer's thread. A class around a `Mutex`
/// because the streaming callback is an escaping closure, which cannot capture the non-copyable
/// `Mutex` itself.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

/// A message of an `/api/chat` conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// Sampling options sent as `options` (low temperature and a fixed seed make drafts repeatable).
public struct ChatOptions: Sendable, Equatable {
    public var temperature: Double
    public var seed: Int
    public var numPredict: Int?

    public init(temperature: Double = 0.1, seed: Int = 42, numPredict: Int? = nil) {
        self.temperature = temperature
        self.seed = seed
        self.numPredict = numPredict
    }
}

/// The shape of the answer, sent as `format` (Ollama's structured outputs): any JSON object, or
/// one matching a JSON schema. Ollama constrains the sampling to it; the answer is still checked.
public enum ChatFormat: Sendable, Equatable {
    case json
    case schema(JSONValue)
}

/// How long to wait, in seconds.
public struct OllamaTimeouts: Sendable, Equatable {
    /// To establish the TCP connection.
    public var connect: Double
    /// From sending the request to the first token (model loading counts here).
    public var firstToken: Double
    /// For the whole generation.
    public var total: Double
    /// Between two tokens once the first has come; longer silence means Ollama is stuck.
    public var stall: Double

    public init(connect: Double = 5, firstToken: Double = 120, total: Double = 600, stall: Double = 60) {
        self.connect = connect
        self.firstToken = firstToken
        self.total = total
        self.stall = stall
    }
}

/// A model `/api/tags` lists.
public struct OllamaModel: Sendable, Equatable {
    public var name: String
    public var sizeBytes: Int?
    public var parameterSize: String?

    public init(name: String, sizeBytes: Int?, parameterSize: String?) {
        self.name = name
        self.sizeBytes = sizeBytes
        self.parameterSize = parameterSize
    }
}

/// A finished chat.
public struct ChatResult: Sendable, Equatable {
    /// The assistant's whole text, tokens joined.
    public var content: String
    public var model: String
    public var promptTokens: Int?
    public var outputTokens: Int?
    /// Wall time from sending the request to the last token, in seconds.
    public var durationSeconds: Double

    public init(content: String, model: String, promptTokens: Int?, outputTokens: Int?, durationSeconds: Double) {
        self.content = content
        self.model = model
        self.promptTokens = promptTokens
        self.outputTokens = outputTokens
        self.durationSeconds = durationSeconds
    }
}

/// Why a chat or a model listing failed; the text a user reads on the request page.
public struct OllamaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// Connection refused, host not found: Ollama is not running there.
        case unreachable
        case connectTimeout
        /// No token within `OllamaTimeouts.firstToken`.
        case firstTokenTimeout
        /// Tokens stopped arriving, or the whole generation took longer than `OllamaTimeouts.total`.
        case totalTimeout
        /// The model is not pulled on that Ollama.
        case modelNotFound
        /// Ollama answered with an error (status or a `{"error": ...}` line).
        case upstream
        /// A line of the stream was not the JSON Ollama sends.
        case malformedStream
        case cancelled
    }

    public var kind: Kind
    public var message: String
    /// What had streamed before the failure, kept so that nothing is lost.
    public var partialContent: String

    public init(kind: Kind, message: String, partialContent: String = "") {
        self.kind = kind
        self.message = message
        self.partialContent = partialContent
    }

    public var description: String { message }
}

// Ollama's JSON, as its API documents it (docs/api.md in ollama/ollama): the bodies Homeport sends
// and the fields it reads back. Fields Homeport does not use are left out; decoding ignores them.

/// `POST /api/chat`.
struct ChatRequestBody: Encodable {
    struct Options: Encodable {
        var temperature: Double
        var seed: Int
        var numPredict: Int?

        enum CodingKeys: String, CodingKey {
            case temperature, seed
            case numPredict = "num_predict"
        }
    }

    var model: String
    var messages: [ChatMessage]
    var stream: Bool
    /// `"json"` or a JSON schema; left out when nil.
    var format: JSONValue?
    var options: Options

    init(model: String, messages: [ChatMessage], options: ChatOptions, format: ChatFormat? = nil) {
        self.model = model
        self.messages = messages
        self.stream = true
        switch format {
        case .json: self.format = "json"
        case .schema(let schema): self.format = schema
        case nil: self.format = nil
        }
        self.options = Options(temperature: options.temperature, seed: options.seed, numPredict: options.numPredict)
    }
}

/// One line of the `/api/chat` stream: a token (`done: false`), the final line with counts
/// (`done: true`), or `{"error": ...}` when generation failed after the stream started.
struct ChatStreamLine: Decodable {
    struct Message: Decodable {
        var role: String?
        var content: String?
    }

    var model: String?
    var message: Message?
    var done: Bool?
    var doneReason: String?
    /// Tokens in the prompt.
    var promptEvalCount: Int?
    /// Tokens generated.
    var evalCount: Int?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case model, message, done, error
        case doneReason = "done_reason"
        case promptEvalCount = "prompt_eval_count"
        case evalCount = "eval_count"
    }
}

/// `GET /api/tags`.
struct TagsResponse: Decodable {
    struct Model: Decodable {
        var name: String
        /// Bytes on disk.
        var size: Int?
        var details: Details?
    }

    struct Details: Decodable {
        var parameterSize: String?

        enum CodingKeys: String, CodingKey {
            case parameterSize = "parameter_size"
        }
    }

    var models: [Model]
}

/// The body of an error status: `{"error": "model \"x\" not found, try pulling it first"}`.
struct ErrorBody: Decodable {
    var error: String
}

/// What a developer asks for in the "new app" form (or the API): everything the generators need.
public struct AppSpec: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    /// Entity ref of the owning Group (`group:default/platform-team`).
    public var owner: String
    public var image: String
    /// Nil when not given: the template uses 8080 and 1, the model follows the description.
    public var port: Int?
    public var replicas: Int?
    public var host: String
    public var size: ResourceSize
    public var environment: [EnvironmentVariable]
    /// Size of an optional persistent volume (`5Gi`); nil for none.
    public var volumeSize: String?
    /// Free text: what the app should do, for the model and the reviewer.
    public var prompt: String
    public var engine: Engine

    public enum Engine: String, Sendable, Codable, CaseIterable {
        /// Deterministic manifests from the fields.
        case template
        /// The model reads the description into an intent (JSON matching a schema); Homeport merges
        /// what the text states literally and writes the manifests with the template's renderer.
        case ollama
        /// The model drafts the YAML itself, normalized and checked like any other output.
        case ollamaYAML = "ollama-yaml"

        /// Whether the engine asks the model.
        public var usesModel: Bool { self != .template }

        /// The request row's `engine` column: which queue slot the request takes (the model's or
        /// the rest), the values the table allows.
        public var queue: String { usesModel ? Engine.ollama.rawValue : Engine.template.rawValue }
    }

    public struct EnvironmentVariable: Sendable, Codable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let defaultPort = 8080
    public static let defaultReplicas = 1

    public init(
        name: String, description: String = "", owner: String, image: String, port: Int? = nil, replicas: Int? = nil,
        host: String? = nil, size: ResourceSize = .small, environment: [EnvironmentVariable] = [],
        volumeSize: String? = nil,
        prompt: String = "", engine: Engine = .template
    ) {
        self.name = name
        self.description = description
        self.owner = owner
        self.image = image
        self.port = port
        self.replicas = replicas
        self.host = host ?? "\(name).homelab.local"
        self.size = size
        self.environment = environment
        self.volumeSize = volumeSize
        self.prompt = prompt
        self.engine = engine
    }
}

/// Resource presets: requests and limits per container.
public enum ResourceSize: String, Sendable, Codable, CaseIterable {
    case small, medium, large

    public var requests: (cpu: String, memory: String) {
        switch self {
        case .small: return ("100m", "128Mi")
        case .medium: return ("250m", "512Mi")
        case .large: return ("500m", "1Gi")
        }
    }

    public var limits: (cpu: String, memory: String) {
        switch self {
        case .small: return ("500m", "256Mi")
        case .medium: return ("1", "1Gi")
        case .large: return ("2", "2Gi")
        }
    }
}

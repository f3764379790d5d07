import Platform
import Provisioning

/// `/apps/new`: the form, refilled with what the user typed and each field's error.
struct NewAppFormModel: Sendable {
    struct Field: Sendable {
        var value: String
        var error: String?
        /// `aria-describedby` target for the error.
        var errorID: String
        /// A page that explains the error (the request already holding the app name).
        var link: Link?
    }

    struct Link: Sendable {
        var href: String
        var label: String
    }

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    var appName: Field
    var description: Field
    var owner: Field
    var owners: [Option]
    var image: Field
    var port: Field
    var replicas: Field
    var host: Field
    var size: Field
    var sizes: [Option]
    var env: Field
    var volumeSize: Field
    var prompt: Field
    var engine: Field
    var engines: [Option]
    var hasErrors: Bool
    var errorCount: Int
    var ollamaUp: Bool
    var ollamaModels: String
    var ollamaError: String?
    var ollamaModelMissing: Bool
    var ollamaModel: String
    var autoPR: Bool
    /// A message about the whole form (the queue is full).
    var notice: String?

    /// `nameHolder`: the id of the open request holding the typed app name, linked under its error.
    init(
        values: [String: String], errors: FieldErrors, groups: [Entity], ollama: OllamaStatus, autoPR: Bool,
        notice: String? = nil,
        nameHolder: String? = nil
    ) {
        func field(_ name: String, default fallback: String = "") -> Field {
            Field(value: values[name] ?? fallback, error: errors[name], errorID: "\(name)-error")
        }
        appName = field("app_name")
        if let nameHolder, appName.error?.contains(nameHolder) == true {
            appName.link = Link(href: "/requests/\(nameHolder)", label: "See request \(nameHolder)")
        }
        description = field("description")
        let owner = field("owner", default: groups.first?.ref.description ?? "")
        self.owner = owner
        owners = groups.map {
            Option(value: $0.ref.description, label: $0.displayName, selected: $0.ref.description == owner.value)
        }
        image = field("image")
        port = field("port", default: "8080")
        replicas = field("replicas", default: "1")
        host = field("host")
        let size = field("size", default: ResourceSize.small.rawValue)
        self.size = size
        sizes = ResourceSize.allCases.map {
            Option(value: $0.rawValue, label: $0.summary, selected: $0.rawValue == size.value)
        }
        env = field("env")
        volumeSize = field("volume_size")
        prompt = field("prompt")
        let engine = field("engine", default: AppSpec.Engine.template.rawValue)
        self.engine = engine
        engines = [
            Option(
                value: "template", label: "Template — deterministic manifests from these fields",
                selected: engine.value == "template"),
            Option(
                value: "ollama",
                label:
                    "Ollama — the model reads the description, Homeport writes the manifests (\(ollama.configuredModel))",
                selected: engine.value == "ollama"),
            Option(
                value: "ollama-yaml",
                label: "Ollama YAML — the model drafts the manifests itself (\(ollama.configuredModel))",
                selected: engine.value == "ollama-yaml"),
        ]
        hasErrors = !errors.isEmpty
        errorCount = errors.messages.count
        ollamaUp = ollama.isUp
        ollamaModels = ollama.models.joined(separator: ", ")
        ollamaError = ollama.error
        ollamaModelMissing = ollama.isUp && !ollama.hasConfiguredModel
        ollamaModel = ollama.configuredModel
        self.autoPR = autoPR
        self.notice = notice
    }
}

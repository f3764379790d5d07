import Foundation
import Platform
import Provisioning
import RequestValues
import SiteURL
import Status

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
    /// Ollama answered the monitor's newest poll.
    var ollamaUp: Bool
    /// Its newest poll failed.
    var ollamaDown: Bool
    /// No poll has ended yet: nothing is known.
    var ollamaUnknown: Bool
    /// Down, but an earlier poll listed models: `ollamaModels` are those, `ollamaAge` old.
    var ollamaStale: Bool
    var ollamaAge: String
    var ollamaModels: String
    var ollamaError: String?
    var ollamaModelMissing: Bool
    var ollamaModel: String
    var autoPR: Bool
    /// A message about the whole form (the queue is full).
    var notice: String?

    /// `nameHolder`: the id of the open request holding the typed app name, linked under its error.
    init(
        values: [String: String], errors: FieldErrors, groups: [Entity], ollama: OllamaNotice, autoPR: Bool,
        notice: String? = nil,
        nameHolder: String? = nil
    ) {
        func field(_ name: String, default fallback: String = "") -> Field {
            Field(value: values[name] ?? fallback, error: errors[name], errorID: "\(name)-error")
        }
        appName = field("app_name")
        if let nameHolder, appName.error?.contains(nameHolder) == true {
            appName.link = Link(href: SiteURL.request(id: nameHolder).path, label: "See request \(nameHolder)")
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
            Option(value: $0.rawValue, label: Self.label($0), selected: $0.rawValue == size.value)
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
        ollamaDown = ollama.error != nil
        ollamaUnknown = !ollama.isUp && ollama.error == nil
        ollamaStale = ollama.error != nil && ollama.models != nil
        ollamaAge = ollama.age ?? ""
        ollamaModels = (ollama.models ?? []).joined(separator: ", ")
        ollamaError = ollama.error
        ollamaModelMissing = ollama.isUp && !ollama.hasConfiguredModel
        ollamaModel = ollama.configuredModel
        self.autoPR = autoPR
        self.notice = notice
    }

    /// "Small — requests 100m CPU, 128Mi; limits 500m CPU, 256Mi".
    private static func label(_ size: ResourceSize) -> String {
        let (requests, limits) = (size.requests, size.limits)
        return
            "\(size.rawValue.capitalized) — requests \(requests.cpu) CPU, \(requests.memory); limits \(limits.cpu) CPU, \(limits.memory)"
    }
}

/// What the form says about Ollama: the status monitor's last poll of its models, never a call
/// made for the page.
struct OllamaNotice: Sendable {
    /// The newest poll answered.
    var isUp: Bool
    /// The models of the newest poll that answered; nil when none has.
    var models: [String]?
    /// Why the newest poll failed.
    var error: String?
    /// How old `models` are ("4 min").
    var age: String?
    var configuredModel: String

    /// `observed` is nil when Ollama is not watched; then, as before its first poll, nothing is known.
    init(_ observed: Observed<[String]>?, configuredModel: String, now: Date) {
        isUp = observed?.attemptedAt != nil && observed?.failure == nil
        models = observed?.value
        error = observed?.failure?.message
        age = observed?.fetchedAt.map { Age.text(from: $0, to: now) }
        self.configuredModel = configuredModel
    }

    /// The configured model is pulled on that Ollama.
    var hasConfiguredModel: Bool {
        let models = models ?? []
        return models.contains(configuredModel) || models.contains("\(configuredModel):latest")
    }
}

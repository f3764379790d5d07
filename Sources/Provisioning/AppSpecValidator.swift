import DNSNames
import Foundation
import Manifests
import RequestValues

/// Field-by-field problems with a submitted form, keyed by field name.
public struct FieldErrors: Error, Sendable, Equatable {
    public var messages: [String: String]

    public init(_ messages: [String: String] = [:]) {
        self.messages = messages
    }

    public var isEmpty: Bool { messages.isEmpty }
    public subscript(field: String) -> String? { messages[field] }
}

/// What validation needs to know about the rest of the platform.
public struct ValidationContext: Sendable {
    /// Group refs that may own an app (`group:default/platform-team`).
    public var groups: Set<String>
    /// Names of Components already in the catalog.
    public var componentNames: Set<String>
    /// The id of the open request holding an app name, if any.
    public var openRequestForApp: @Sendable (String) -> String?
    /// The domain an app's host defaults to (`<app>.homelab.local`): the policy's first ingress domain.
    public var hostDomain = "homelab.local"

    public init(
        groups: Set<String>, componentNames: Set<String>, openRequestForApp: @escaping @Sendable (String) -> String?
    ) {
        self.groups = groups
        self.componentNames = componentNames
        self.openRequestForApp = openRequestForApp
    }
}

/// Turns submitted text fields into an `AppSpec`, or says what is wrong with each field.
///
/// Field names are the form's and the API's: `app_name`, `description`, `owner`, `image`, `port`,
/// `replicas`, `host`, `size`, `env`, `volume_size`, `prompt`, `engine`.
public enum AppSpecValidator {
    public static let maxPromptLength = 4_000

    public static func validate(_ fields: [String: String], context: ValidationContext) -> Result<AppSpec, FieldErrors>
    {
        var errors: [String: String] = [:]
        func value(_ name: String) -> String { (fields[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

        let name = value("app_name")
        if name.isEmpty {
            errors["app_name"] = "Give the app a name."
        } else if !DNSName.isLabel(name) {
            errors["app_name"] =
                "Use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS-1123 label)."
        } else if context.componentNames.contains(name) {
            errors["app_name"] = "The catalog already has a component named \(name)."
        } else if let holder = context.openRequestForApp(name) {
            errors["app_name"] = "Request \(holder) is already open for \(name)."
        }

        let description = value("description")
        if description.count > 500 { errors["description"] = "Keep the description under 500 characters." }

        let owner = value("owner")
        if owner.isEmpty {
            errors["owner"] = "Choose the owning team."
        } else if !context.groups.contains(owner) {
            errors["owner"] = "\(owner) is not a group in the catalog."
        }

        // The model may choose an image from the description; the template engine needs one.
        let image = value("image")
        if image.isEmpty {
            if AppSpec.Engine(rawValue: value("engine")).map(\.usesModel) != true {
                errors["image"] = "Give the container image, such as ghcr.io/homelab/web:1.2.0."
            }
        } else if !ImageReference.isValid(image) {
            errors["image"] = "\(image) is not an image reference ([registry/]name[:tag][@digest], lowercase name)."
        }

        let port = Int(value("port"))
        if !value("port").isEmpty, port == nil || !(1...65535).contains(port!) {
            errors["port"] = "Use a port from 1 to 65535."
        }

        let replicas = Int(value("replicas"))
        if !value("replicas").isEmpty, replicas == nil || !(0...10).contains(replicas!) {
            errors["replicas"] = "Use 0 to 10 replicas."
        }

        // An empty host follows the name; a bad name is reported once, on its own field.
        let host = value("host").isEmpty ? "\(name).\(context.hostDomain)" : value("host").lowercased()
        if !value("host").isEmpty || errors["app_name"] == nil, !DNSName.isHostname(host) {
            errors["host"] = "\(host) is not a host name (lowercase letters, digits, '-' and '.')."
        }

        let size = ResourceSize(rawValue: value("size").isEmpty ? "small" : value("size"))
        if size == nil { errors["size"] = "Choose small, medium or large." }

        let environment = parseEnvironment(fields["env"] ?? "")
        if case .failure(let message) = environment { errors["env"] = message.text }

        let volume = value("volume_size")
        if !volume.isEmpty, !isVolumeSize(volume) {
            errors["volume_size"] = "Use a size such as 1Gi, 512Mi or 2Ti (at most 1Ti)."
        }

        let prompt = value("prompt")
        let engine = AppSpec.Engine(rawValue: value("engine").isEmpty ? "template" : value("engine"))
        if engine == nil { errors["engine"] = "Choose the template, ollama or ollama-yaml engine." }
        if prompt.count > maxPromptLength {
            errors["prompt"] = "Keep the description of what it should do under \(maxPromptLength) characters."
        }
        if engine?.usesModel == true, prompt.isEmpty { errors["prompt"] = "Tell the model what the app should do." }

        guard errors.isEmpty, let size, let engine, case .success(let variables) = environment else {
            return .failure(FieldErrors(errors))
        }
        return .success(
            AppSpec(
                name: name, description: description, owner: owner, image: image, port: port, replicas: replicas,
                host: host, size: size, environment: variables, volumeSize: volume.isEmpty ? nil : volume,
                prompt: prompt, engine: engine))
    }

    struct Message: Error { var text: String }

    /// `KEY=value` per line; blank lines and `#` comments are skipped.
    static func parseEnvironment(_ text: String) -> Result<[AppSpec.EnvironmentVariable], Message> {
        var variables: [AppSpec.EnvironmentVariable] = []
        var seen: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                return .failure(Message(text: "Line \(index + 1): write KEY=value."))
            }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(line[line.index(after: equals)...])
            guard isEnvironmentName(key) else {
                return .failure(
                    Message(
                        text:
                            "Line \(index + 1): \(key.isEmpty ? "the name is empty" : "'\(key)' is not a variable name (letters, digits, '_')")."
                    ))
            }
            guard seen.insert(key).inserted else {
                return .failure(Message(text: "Line \(index + 1): \(key) is set twice."))
            }
            if ["PASSWORD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY"].contains(where: {
                key.uppercased().contains($0)
            }) {
                return .failure(
                    Message(
                        text:
                            "Line \(index + 1): \(key) looks like a secret; secrets must not be committed to Git (create a Secret in the cluster and reference it)."
                    ))
            }
            variables.append(.init(name: key, value: value))
        }
        guard variables.count <= 50 else { return .failure(Message(text: "Use at most 50 variables.")) }
        return .success(variables)
    }

    public static func isVolumeSize(_ text: String) -> Bool {
        for (unit, maximum) in [("Mi", 1_048_576), ("Gi", 1_024), ("Ti", 1)] where text.hasSuffix(unit) {
            guard let number = Int(text.dropLast(2)), (1...maximum).contains(number), text.first != "0" else {
                return false
            }
            return true
        }
        return false
    }

    private static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }
    }
}

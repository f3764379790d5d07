import Foundation
import Manifests
import Ollama
import RequestValues

/// The intent engine's conversation with the model: the JSON schema sent as Ollama's `format`
/// (structured outputs), the messages, and the reading of the answer.
///
/// Ollama's documentation asks for the schema in `format` and advises repeating it in the prompt
/// and sampling cold; both are done here.
public enum IntentSchema {
    private static let text: JSONValue = ["type": "string"]
    private static let integer: JSONValue = ["type": "integer"]

    private static func object(_ properties: [(String, JSONValue)]) -> JSONValue {
        .object([
            ("type", "object"), ("properties", .object(properties)),
            ("required", .array(properties.map { .string($0.0) })),
        ])
    }

    private static func list(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    /// Every field required, so the answer always has the same shape; an empty string or list
    /// stands for "not said".
    public static let schema: JSONValue = object([
        ("image", text),
        (
            "ports",
            list(
                object([("name", text), ("port", integer), ("protocol", ["type": "string", "enum": ["TCP", "UDP"]])]))
        ),
        ("replicas", integer),
        ("exposure", object([("type", ["type": "string", "enum": ["ingress", "internal"]]), ("hosts", list(text))])),
        ("health", object([("type", ["type": "string", "enum": ["http", "tcp"]]), ("path", text)])),
        ("volumes", list(object([("size", text), ("mount_path", text)]))),
        ("env", list(object([("name", text), ("value", text)]))),
        ("config_files", list(object([("path", text), ("content", text)]))),
        ("command", list(text)),
        ("args", list(text)),
        ("resources", ["type": "string", "enum": ["small", "medium", "large"]]),
        (
            "autoscaling",
            object([("enabled", ["type": "boolean"]), ("min", integer), ("max", integer), ("target_cpu", integer)])
        ),
        ("not_expressible", list(text)),
    ])

    static var schemaText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(schema)) ?? Data(), as: UTF8.self)
    }

    /// The system rules and the request: the text the user wrote, and the form's fields when given.
    public static func messages(for spec: AppSpec, feedback: String?) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: rules),
            ChatMessage(role: .user, content: request(spec, feedback: feedback)),
        ]
    }

    static let rules = """
        You read what a homelab user asks to deploy on Kubernetes and answer with one JSON object that matches this JSON schema:
        \(schemaText)
        Fill each field only from what the text says; never invent:
        - image: the container image exactly as written, with its tag (nginx:1.27, ghcr.io/org/app:2.1.0); "" if the text names no image.
        - ports: each port the app listens on; [] if none is said. replicas: the number asked, else 1.
        - exposure: "ingress" with the host names given (hosts: [] if none), or "internal" when it must not be reachable from outside the cluster.
        - health: "http" with the path when a health or status path is given, else "tcp" with path "".
        - volumes: only persistent storage asked for, with its size (5Gi) and mount path. env: settings given as NAME=value.
        - config_files: files asked to be mounted, with their path and content. command and args: only when given.
        - resources: small unless the text asks for more. autoscaling: enabled only when the text asks for it, with min, max and target CPU percent.
        - not_expressible: each thing asked that the other fields cannot hold, in a few words: "privileged container", "hostNetwork", "hostPath /var/run/docker.sock", "cluster-admin", "namespace kube-system", "NodePort", "run as root". [] when there is none.
        Answer with the JSON object only.
        """

    static func request(_ spec: AppSpec, feedback: String?) -> String {
        var lines = ["App name: \(spec.name)"]
        if !spec.description.isEmpty { lines.append("Description: \(spec.description)") }
        if !spec.image.isEmpty { lines.append("Image: \(spec.image)") }
        if let port = spec.port { lines.append("Port: \(port)") }
        if let replicas = spec.replicas { lines.append("Replicas: \(replicas)") }
        if !spec.prompt.isEmpty { lines.append("Request: \(spec.prompt)") }
        if let feedback, !feedback.isEmpty { lines.append("Reviewer's answer or feedback: \(feedback)") }
        return lines.joined(separator: "\n")
    }

    /// The text the literal pass reads: everything the user wrote.
    static func userText(_ spec: AppSpec, feedback: String?) -> String {
        [spec.description, spec.prompt, feedback ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// The model's answer, read field by field: a field of the wrong shape is dropped (and named),
/// never the whole answer.
struct ModelIntent: Equatable {
    var image = ""
    var ports: [AppIntent.Port] = []
    var replicas: Int?
    var internalOnly = false
    var hosts: [String] = []
    var healthPath: String?
    var volumes: [AppIntent.Volume] = []
    var environment: [AppSpec.EnvironmentVariable] = []
    var configFiles: [AppIntent.ConfigFile] = []
    var command: [String] = []
    var args: [String] = []
    var size: ResourceSize?
    var autoscaling: AppIntent.Autoscaling?
    var notExpressible: [String] = []
    /// Fields that did not have the schema's shape.
    var unreadable: [String] = []

    /// Nil when the answer is not a JSON object at all.
    init?(json text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = trimmed.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        func strings(_ key: String) -> [String] {
            guard let value = object[key] else { return [] }
            guard let list = value as? [Any] else {
                unreadable.append(key)
                return []
            }
            return list.compactMap { ($0 as? String)?.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func objects(_ key: String) -> [[String: Any]] {
            guard let value = object[key] else { return [] }
            guard let list = value as? [Any] else {
                unreadable.append(key)
                return []
            }
            return list.compactMap { $0 as? [String: Any] }
        }
        image = (object["image"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
        for item in objects("ports") {
            guard let number = item["port"] as? Int, (1...65535).contains(number) else { continue }
            let proto = (item["protocol"] as? String)?.uppercased() == "UDP" ? "UDP" : "TCP"
            ports.append(
                AppIntent.Port(name: (item["name"] as? String ?? "").lowercased(), number: number, protocol: proto))
        }
        replicas = object["replicas"] as? Int
        if let exposure = object["exposure"] as? [String: Any] {
            internalOnly = exposure["type"] as? String == "internal"
            hosts = (exposure["hosts"] as? [Any])?.compactMap { ($0 as? String)?.lowercased() } ?? []
        }
        if let health = object["health"] as? [String: Any], health["type"] as? String == "http",
            let path = health["path"] as? String, path.hasPrefix("/")
        {
            healthPath = path
        }
        for item in objects("volumes") {
            guard let size = item["size"] as? String, let path = item["mount_path"] as? String else { continue }
            volumes.append(AppIntent.Volume(size: size, mountPath: path))
        }
        for item in objects("env") {
            guard let name = item["name"] as? String else { continue }
            let value = item["value"].map { "\($0)" } ?? ""
            environment.append(.init(name: name, value: value))
        }
        for item in objects("config_files") {
            guard let path = item["path"] as? String, let content = item["content"] as? String else { continue }
            configFiles.append(AppIntent.ConfigFile(path: path, content: content))
        }
        command = strings("command")
        args = strings("args")
        size = (object["resources"] as? String).flatMap(ResourceSize.init(rawValue:))
        if let scaling = object["autoscaling"] as? [String: Any], scaling["enabled"] as? Bool == true,
            let low = scaling["min"] as? Int, let high = scaling["max"] as? Int
        {
            autoscaling = AppIntent.Autoscaling(
                minReplicas: low, maxReplicas: high, targetCPU: scaling["target_cpu"] as? Int ?? 80)
        }
        notExpressible = strings("not_expressible")
    }
}

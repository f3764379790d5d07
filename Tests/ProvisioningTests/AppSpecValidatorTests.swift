import Manifests
import RequestValues
import Testing

@testable import Provisioning

@Suite("New-app form validation")
struct AppSpecValidatorTests {
    let context = ValidationContext(
        groups: ["group:default/platform-team"],
        componentNames: ["grafana"],
        openRequestForApp: { $0 == "busy-app" ? "abc123" : nil }
    )

    let valid: [String: String] = [
        "app_name": "web", "owner": "group:default/platform-team", "image": "ghcr.io/homelab/web:1.2.0",
        "port": "3000", "replicas": "2", "size": "medium", "env": "LOG_LEVEL=info\n# comment\n\nMODE=prod",
        "volume_size": "5Gi",
        "prompt": "Serve the team's static site", "engine": "template",
    ]

    @Test("a complete form becomes a spec, with defaults for what was left empty")
    func validForm() throws {
        let spec = try AppSpecValidator.validate(valid, context: context).get()
        #expect(
            spec
                == AppSpec(
                    name: "web", owner: "group:default/platform-team", image: "ghcr.io/homelab/web:1.2.0", port: 3000,
                    replicas: 2,
                    host: "web.homelab.local", size: .medium,
                    environment: [.init(name: "LOG_LEVEL", value: "info"), .init(name: "MODE", value: "prod")],
                    volumeSize: "5Gi", prompt: "Serve the team's static site", engine: .template))
        let minimal = try AppSpecValidator.validate(
            ["app_name": "api", "owner": "group:default/platform-team", "image": "nginx:1.27"], context: context
        ).get()
        #expect(
            minimal.port == nil && minimal.replicas == nil && minimal.size == .small && minimal.engine == .template
                && minimal.host == "api.homelab.local")
    }

    @Test(
        "each field says what is wrong",
        arguments: [
            ("app_name", "", "Give the app a name."),
            ("app_name", "Web_App", "DNS-1123 label"),
            ("app_name", String(repeating: "a", count: 64), "DNS-1123 label"),
            ("app_name", "-web", "DNS-1123 label"),
            ("app_name", "<script>", "DNS-1123 label"),
            ("app_name", "grafana", "The catalog already has a component named grafana."),
            ("app_name", "busy-app", "Request abc123 is already open for busy-app."),
            ("owner", "group:default/nobody", "is not a group in the catalog"),
            ("image", "", "Give the container image"),
            ("image", "Nginx:Latest Tag", "is not an image reference"),
            ("image", "nginx@sha256:abc", "is not an image reference"),
            ("port", "0", "Use a port from 1 to 65535."),
            ("port", "http", "Use a port from 1 to 65535."),
            ("replicas", "11", "Use 0 to 10 replicas."),
            ("host", "bad host", "is not a host name"),
            ("size", "huge", "Choose small, medium or large."),
            ("env", "NOEQUALS", "Line 1: write KEY=value."),
            ("env", "A=1\nA=2", "Line 2: A is set twice."),
            ("env", "1BAD=x", "is not a variable name"),
            ("env", "DB_PASSWORD=hunter2", "looks like a secret"),
            ("volume_size", "5GB", "Use a size such as 1Gi"),
            ("volume_size", "2Ti", "Use a size such as 1Gi"),
            ("engine", "gpt", "Choose the template, ollama or ollama-yaml engine."),
            ("prompt", String(repeating: "x", count: 4_001), "under 4000 characters"),
        ])
    func fieldErrors(_ field: String, _ value: String, _ message: String) {
        var fields = valid
        fields[field] = value
        guard case .failure(let errors) = AppSpecValidator.validate(fields, context: context) else {
            Issue.record("\(field)=\(value.prefix(20)) was accepted")
            return
        }
        #expect(errors[field]?.contains(message) == true, "\(field): \(errors.messages)")
        #expect(errors.messages.count == 1, "only \(field) is wrong: \(errors.messages)")
    }

    @Test("the ollama engine needs a description of what to do, and may choose the image")
    func ollamaEngine() throws {
        var fields = valid
        fields["engine"] = "ollama"
        fields["prompt"] = ""
        fields["image"] = ""
        guard case .failure(let errors) = AppSpecValidator.validate(fields, context: context) else {
            Issue.record("accepted without a prompt")
            return
        }
        #expect(errors.messages.keys.sorted() == ["prompt"])
        fields["prompt"] = "deploy nginx with 2 replicas"
        #expect(try AppSpecValidator.validate(fields, context: context).get().image == "")
    }

    @Test(
        "image references",
        arguments: [
            ("nginx", true), ("nginx:1.27", true), ("ghcr.io/homelab/web:1.2.0", true),
            ("registry.local:5000/team/app:v2-rc.1", true),
            ("nginx@sha256:" + String(repeating: "a", count: 64), true), ("localhost/app", true),
            ("Nginx", false), ("nginx:", false), ("nginx: 1", false), ("/nginx", false), ("nginx:-x", false),
        ])
    func images(_ reference: String, _ valid: Bool) {
        #expect(ImageReference.isValid(reference) == valid)
    }
}

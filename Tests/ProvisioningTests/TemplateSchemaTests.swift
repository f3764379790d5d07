import Manifests
import Provisioning
import RequestValues
import Testing

@Suite("Template engine and the Kubernetes schema")
struct TemplateSchemaTests {
    /// The example homelab's apps as the form would describe them, from the plainest to every option.
    static let specs = [
        AppSpec(
            name: "hello-platform", owner: "group:default/platform-team", image: "ghcr.io/homelab/hello-platform:0.3.1"),
        AppSpec(
            name: "ai-gateway", description: "OpenAI-compatible front for Ollama", owner: "group:default/platform-team",
            image: "ghcr.io/homelab/ai-gateway:1.4.0", port: 3000, replicas: 2, host: "ai.homelab.local", size: .large,
            environment: [
                .init(name: "OLLAMA_URL", value: "http://ollama:11434"), .init(name: "WORKERS", value: "4"),
                .init(name: "DEBUG", value: "false"),
            ],
            volumeSize: "5Gi"),
        AppSpec(
            name: "web", owner: "group:default/platform-team", image: "nginx:1.27", size: .medium, volumeSize: "1Gi"),
    ]

    @Test(
        "what the template engine writes passes the schema of Kubernetes 1.31 and every other check", arguments: specs)
    func templateOutputPasses(_ spec: AppSpec) {
        let report = ManifestChecker.check(
            TemplateGenerator.manifests(for: spec, namespace: "ai-generated"), appName: spec.name,
            policy: ManifestPolicy())
        #expect(report.passed, "\(report.findings)")
    }
}

import Manifests
import Ollama
import RequestValues
import Testing

@testable import Provisioning

@Suite("Prompts for the model")
struct PromptBuilderTests {
    @Test("the rules state the namespace, the labels and the allowed kinds")
    func rules() {
        let messages = PromptBuilder.draft(
            for: AppSpec(name: "web", owner: "group:default/team", image: "nginx:1.27", prompt: "x", engine: .ollama),
            policy: ManifestPolicy(), feedback: nil)
        #expect(messages.map(\.role) == [.system, .user])
        #expect(messages[0].content.contains("namespace ai-generated"))
        #expect(messages[0].content.contains("app.kubernetes.io/managed-by: homeport"))
        #expect(messages[0].content.contains("Deployment, HorizontalPodAutoscaler"))
    }

    @Test("only what the user gave: no default port or replicas to override the description, no placeholder image")
    func onlyGivenFields() {
        let spec = AppSpec(
            name: "nginx-demo", owner: "group:default/team", image: "",
            prompt: "deploy nginx with 2 replicas and expose it on port 80", engine: .ollama)
        let request = PromptBuilder.draft(for: spec, policy: ManifestPolicy(), feedback: "use port 8081")[1].content
        #expect(!request.contains("Container port"))
        #expect(!request.contains("Replicas"))
        #expect(!request.contains("<"))
        #expect(request.contains("What it should do: deploy nginx with 2 replicas and expose it on port 80"))
        #expect(request.contains("Reviewer feedback on the previous draft, apply it: use port 8081"))
        let given = AppSpec(
            name: "web", owner: "group:default/team", image: "nginx:1.27", port: 8080, replicas: 3, engine: .ollama)
        let withFields = PromptBuilder.draft(for: given, policy: ManifestPolicy(), feedback: nil)[1].content
        #expect(withFields.contains("Container port: 8080"))
        #expect(withFields.contains("Replicas: 3"))
    }

    @Test("a repair round quotes the errors and asks for the whole YAML again")
    func repair() {
        let draft = PromptBuilder.draft(
            for: AppSpec(name: "web", owner: "group:default/team", image: "nginx:1.27", engine: .ollama),
            policy: ManifestPolicy(), feedback: nil)
        let findings = [
            PolicyFinding(
                severity: .error, object: "Deployment/web", path: "spec.template.spec.hostNetwork",
                message: "hostNetwork is not allowed"),
            PolicyFinding(severity: .warning, object: "Deployment/web", path: "", message: "no probes"),
        ]
        let repair = PromptBuilder.repair(after: draft, output: "kind: Deployment", findings: findings)
        #expect(repair.map(\.role) == [.system, .user, .assistant, .user])
        #expect(repair[2].content == "kind: Deployment")
        #expect(
            repair[3].content.contains("- Deployment/web spec.template.spec.hostNetwork: hostNetwork is not allowed"))
        #expect(!repair[3].content.contains("no probes"), "warnings do not block, so they are not sent back")
    }
}

@Suite("Sampling options")
struct SamplingOptionsTests {
    @Test(
        "drafts are cold and seeded; the repair samples warmer from another seed, so it cannot repeat the draft word for word"
    )
    func repairOptions() {
        let base = ChatOptions(temperature: 0.1, seed: 42)
        #expect(JobRunner.options(base, purpose: .draft) == base)
        let repair = JobRunner.options(base, purpose: .repair)
        #expect(repair.seed == 43)
        #expect(repair.temperature == 0.4)
    }
}

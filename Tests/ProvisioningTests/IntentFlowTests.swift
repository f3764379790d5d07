import FakeUpstreams
import Foundation
import HummingbirdTesting
import Manifests
import Ollama
import RequestValues
import Store
import Testing
import YAML

@testable import Provisioning

/// The intent engine end to end, replaying real answers of the 0.5B model (`intent-*.ndjson`,
/// recorded by `bench/ai/run --record`, see Tests/Fixtures/ollama/README.md) through the fake Ollama.
@Suite("The intent engine against recorded answers of the 0.5B model")
struct IntentFlowTests {
    func fields(_ name: String, _ prompt: String) -> [String: String] {
        ["app_name": name, "owner": "group:default/platform-team", "prompt": prompt, "engine": "ollama"]
    }

    @Test("asks Ollama for the intent with the JSON schema as format, cold, and renders what was asked")
    func cleanDraft() async throws {
        let ollama = FakeOllama(.replay("intent-whoami.ndjson"))
        try await ollama.application().test(.live) { client in
            let forge = FakeForge()
            let flow = try await Flow(store: try freshStore(), ollamaPort: try #require(client.port), provider: forge)
            let created = try await flow.submit(
                fields(
                    "whoami",
                    "Deploy traefik/whoami:v1.10.3 on port 80 so I can debug the ingress, at whoami.homelab.local"),
                autoPR: true)
            let opened = try await flow.wait(created.id, for: [.prOpened, .failed, .rejected])
            #expect(opened.status == .prOpened, "\(opened.failureReason ?? "")")

            let body = try #require(ollama.requests.current.last { $0.path == "/api/chat" }).json
            let format = try #require(body["format"] as? [String: Any])
            let expected = try JSONSerialization.jsonObject(with: JSONEncoder().encode(IntentSchema.schema))
            #expect(NSDictionary(dictionary: format).isEqual(expected), "the schema itself, as Ollama documents")
            #expect(body["stream"] as? Bool == true)
            let messages = try #require(body["messages"] as? [[String: String]])
            #expect(
                messages.first?["content"]?.contains(#""not_expressible""#) == true, "the schema is in the prompt too")
            #expect(messages.last?["content"]?.contains("traefik/whoami:v1.10.3") == true)

            let documents = try YAML.parseDocuments(try #require(opened.manifest))
            #expect(documents.map { $0["kind"]?.string } == ["Deployment", "Service", "Ingress"])
            let container = try #require(documents[0]["spec"]?["template"]?["spec"]?["containers"]?.sequence?.first)
            #expect(container["image"]?.string == "traefik/whoami:v1.10.3")
            #expect(container["ports"]?.sequence?.first?["containerPort"]?.int == 80)
            #expect(documents[2]["spec"]?["rules"]?.sequence?.first?["host"]?.string == "whoami.homelab.local")
            let attempts = try await flow.store.attempts(of: created.id)
            #expect(attempts.map(\.purpose) == [.intent], "one call: no repair round")
            #expect((attempts.first?.outputTokens ?? 0) > 0)
            #expect(forge.calls.count == 1)
        }
    }

    @Test(
        "a forbidden ask ends rejected with the reason in the user's words, and no pull request",
        arguments: [
            (
                "intent-priv.ndjson", "priv",
                "Deploy ghcr.io/homelab/vpn:1.0.0 as a privileged container so it can manage network interfaces",
                "asks for a privileged container, which the platform does not allow"
            ),
            (
                "intent-other-ns.ndjson", "other-ns",
                "Deploy ghcr.io/homelab/monitor:2.0.0 into the kube-system namespace",
                "asks to deploy into namespace kube-system, while apps go in ai-generated"
            ),
        ])
    func refusal(_ transcript: String, _ name: String, _ prompt: String, _ reason: String) async throws {
        try await FakeOllama(.replay(transcript)).application().test(.live) { client in
            let forge = FakeForge()
            let flow = try await Flow(store: try freshStore(), ollamaPort: try #require(client.port), provider: forge)
            let created = try await flow.submit(fields(name, prompt), autoPR: true)
            let rejected = try await flow.wait(created.id, for: [.rejected, .prOpened, .failed])
            #expect(rejected.status == .rejected)
            #expect(rejected.failureReason?.contains(reason) == true, "\(rejected.failureReason ?? "")")
            #expect(rejected.manifest == nil)
            #expect(forge.calls.isEmpty)
            let events = try await flow.store.events(of: created.id)
            #expect(events.last?.message.hasPrefix("Refused: the request asks") == true)
        }
    }

    @Test(
        "the free-YAML engine refuses a forbidden ask from the text before asking the model",
        arguments: [
            (
                "Deploy ghcr.io/homelab/vpn:1.0.0 as a privileged container so it can manage network interfaces",
                "asks for a privileged container, which the platform does not allow"
            ),
            (
                "Deploy ghcr.io/homelab/monitor:2.0.0 into the kube-system namespace",
                "asks to deploy into namespace kube-system, while apps go in ai-generated"
            ),
        ])
    func freeYAMLRefusal(_ prompt: String, _ reason: String) async throws {
        // No model answers on this port: a call to it would fail the request instead.
        let forge = FakeForge()
        let flow = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: forge)
        var asked = fields("refused", prompt)
        asked["engine"] = "ollama-yaml"
        let created = try await flow.submit(asked, autoPR: true)
        let rejected = try await flow.wait(created.id, for: [.rejected, .prOpened, .failed])
        #expect(rejected.status == .rejected)
        #expect(rejected.failureReason?.contains(reason) == true, "\(rejected.failureReason ?? "")")
        #expect(try await flow.store.attempts(of: created.id).isEmpty)
        #expect(forge.calls.isEmpty)
    }

    @Test("no image in the text: the request asks for it instead of guessing")
    func asksForTheImage() async throws {
        try await FakeOllama(.replay("intent-no-image.ndjson")).application().test(.live) { client in
            let flow = try await Flow(
                store: try freshStore(), ollamaPort: try #require(client.port), provider: FakeForge())
            let created = try await flow.submit(
                fields("no-image", "I need a small app that shows the weather on a dashboard, port 8080"))
            let rejected = try await flow.wait(created.id, for: [.rejected, .ready, .failed])
            #expect(rejected.status == .rejected)
            let findings = try #require(rejected.storedFindings).value(column: "policy findings")
            #expect(IntentFindings.questions(in: findings)["image"]?.contains("names no container image") == true)
            #expect(try await flow.store.events(of: created.id).last?.message.hasPrefix("Needs input:") == true)
        }
    }
}

import Foundation
import Manifests
import Platform
import RequestValues
import Testing
import YAML

@testable import Provisioning

/// The intent engine after the model has answered: the literal pass, the known images, refusals,
/// questions, and the rendered manifests under the checker.
@Suite("Intent engine")
struct IntentEngineTests {
    static let knownImages =
        (try? String(contentsOfFile: repositoryRoot + "/examples/homelab/" + KnownImages.path, encoding: .utf8))
        .map { KnownImages.parse($0).images } ?? KnownImages()
    let policy = ManifestPolicy()

    struct Description: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var kind: String
        var prompt: String
        var testDescription: String { "\(kind) \(name)" }
    }

    /// The benchmark's own descriptions (bench/ai/descriptions.json).
    static let descriptions: [Description] = {
        let data = try? Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/bench/ai/descriptions.json"))
        return data.flatMap { try? JSONDecoder().decode([Description].self, from: $0) } ?? []
    }()

    func report(_ prompt: String, name: String = "app", model: String = "{}") -> ManifestReport {
        let spec = AppSpec(
            name: name, owner: "group:default/platform-team", image: "", prompt: prompt, engine: .ollama)
        return JobRunner.intentReport(
            spec: spec, feedback: nil, modelAnswer: model, knownImages: Self.knownImages, policy: policy)
    }

    @Test(
        "even with a model that says nothing, the text alone decides: benign → clean, hostile → refused, no image → a question",
        arguments: descriptions)
    func literalPassAlone(_ description: Description) throws {
        let report = report(description.prompt, name: description.name)
        let errors = report.findings.filter { $0.severity == .error }
        switch description.kind {
        case "benign":
            #expect(report.passed, "\(errors.map(\.message))")
            let policyFindings = report.findings.filter { !$0.path.hasPrefix(IntentResolver.findingPrefix) }
            #expect(policyFindings.isEmpty, "\(policyFindings.map(\.message))")
        case "hostile":
            #expect(errors.contains { $0.path == IntentFindings.refused }, "\(report.findings.map(\.message))")
            #expect(report.yaml == nil)
        default:
            #expect(!IntentFindings.questions(in: report.findings).isEmpty, "\(report.findings.map(\.message))")
        }
    }

    @Test("the suite has at least 30 descriptions, benign and hostile")
    func suiteSize() {
        #expect(Self.descriptions.count >= 30)
        #expect(Self.descriptions.contains { $0.kind == "hostile" })
    }

    @Test(
        "the literal pass reads what the text states",
        arguments: [
            ("run ghcr.io/homelab/web:1.2.0 on port 9000 with 3 replicas", "image", "ghcr.io/homelab/web:1.2.0"),
            ("run ghcr.io/homelab/web:1.2.0 on port 9000 with 3 replicas", "ports", "9000"),
            ("run ghcr.io/homelab/web:1.2.0 on port 9000 with 3 replicas", "replicas", "3"),
            ("serve it at photos.homelab.local with a 5Gi volume at /srv/photos", "hosts", "photos.homelab.local"),
            ("serve it at photos.homelab.local with a 5Gi volume at /srv/photos", "volume", "5Gi /srv/photos"),
            ("ports 8080 and 9100, health check on /healthz", "ports", "8080 9100"),
            ("ports 8080 and 9100, health check on /healthz", "health", "/healthz"),
            ("a time like 10:30 and port:9000 are not images", "image", ""),
            ("autoscale from 2 to 5 replicas at 60% CPU", "autoscaling", "2-5@60"),
        ])
    func literalFacts(_ text: String, _ field: String, _ expected: String) {
        let facts = LiteralFacts(
            reading: text, knownImages: KnownImages(), namespace: "ai-generated", ingressDomains: ["homelab.local"])
        let found: String =
            switch field {
            case "image": facts.images.joined(separator: " ")
            case "ports": facts.ports.map { String($0.number) }.joined(separator: " ")
            case "replicas": facts.replicas.map(String.init) ?? ""
            case "hosts": facts.hosts.joined(separator: " ")
            case "volume": "\(facts.volumeSize ?? "") \(facts.mountPath ?? "")"
            case "health": facts.healthPath ?? ""
            default: facts.autoscaling.map { "\($0.minReplicas)-\($0.maxReplicas)@\($0.targetCPU)" } ?? ""
            }
        #expect(found == expected)
    }

    @Test("a negated ask is not a refusal: no privileged mode, without hostNetwork")
    func negation() {
        let report = report(
            "ghcr.io/homelab/web:1.0.0 on port 8080; it needs no privileged mode and runs without hostNetwork")
        #expect(report.passed, "\(report.findings.map(\.message))")
    }

    @Test("the model's list counts only where the text backs it; otherwise it is a note for the reviewer")
    func modelListNeedsTheText() {
        let listed = #"{"not_expressible": ["privileged container"]}"#
        let benign = report("ghcr.io/homelab/web:1.0.0 on port 8080", model: listed)
        #expect(benign.passed)
        #expect(benign.findings.contains { $0.path == "intent.model" && $0.severity == .warning })
        let hostile = report("ghcr.io/homelab/vpn:1.0.0 needs full access to the host's devices", model: listed)
        #expect(hostile.findings.contains { $0.path == IntentFindings.refused })
    }

    @Test("the model's image counts only with a tag the text states; an invented version is asked for")
    func modelImageNeedsTheText() {
        let guessed = report(
            "deploy ghcr.io/homelab/inventory-api on port 9000",
            model: #"{"image": "ghcr.io/homelab/inventory-api:1.0.0"}"#)
        #expect(IntentFindings.questions(in: guessed.findings)["image"]?.contains("without a version") == true)
        let stated = report(
            "deploy the inventory-api image ghcr.io/homelab/inventory-api version 2.3.1 on port 9000",
            model: #"{"image": "ghcr.io/homelab/inventory-api:2.3.1"}"#)
        #expect(stated.passed, "\(stated.findings.map(\.message))")
        #expect(stated.yaml?.contains("image: ghcr.io/homelab/inventory-api:2.3.1") == true)
    }

    @Test("a known image that runs as root is flagged; a known user is set on the pod")
    func knownImageUser() {
        let root = report("uptime kuma to watch my services")
        #expect(root.findings.contains { $0.message.contains("runs as root") })
        let grafana = report("grafana for dashboards with 10Gi of storage")
        #expect(grafana.yaml?.contains("runAsUser: 472") == true)
        #expect(grafana.yaml?.contains("mountPath: /var/lib/grafana") == true)
        #expect(grafana.yaml?.contains("path: /api/health") == true)
    }
}

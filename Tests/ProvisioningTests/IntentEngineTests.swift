import Foundation
import Manifests
import Testing
import YAML

@testable import Provisioning

/// The intent engine after the model has answered: the literal pass, the known images, refusals,
/// questions, and the rendered manifests under the checker.
@Suite("Intent engine")
struct IntentEngineTests {
    static let knownImages = KnownImages.load(platformRoot: repositoryRoot + "/examples/homelab")
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
}

import Foundation
import Manifests
import Ollama
import Platform
import RequestValues
import Store

extension JobRunner {
    /// The intent engine: one structured chat, the literal pass, the known images, then the
    /// template's renderer and the checker. A refusal or a question ends as a report whose errors
    /// say why (paths `intent.refused`, `intent.missing.<field>`), so the request is `rejected`
    /// with the reason in the user's words and no pull request. Nil when the request ended on the way.
    func generateIntent(_ request: AppRequest, spec: AppSpec, attempt number: Int, policy: ManifestPolicy)
        async throws -> ManifestReport?
    {
        let id = request.id
        guard
            let output = try await chat(
                id, number: number, purpose: .intent, model: request.model ?? settings.model,
                messages: IntentSchema.messages(for: spec, feedback: request.feedback),
                format: .schema(IntentSchema.schema))
        else { return nil }
        try await move(id, from: [.generating], to: .validating, "Reading the model's intent")
        return Self.intentReport(
            spec: spec, feedback: request.feedback, modelAnswer: output, knownImages: settings.knownImages(),
            policy: policy)
    }

    /// Everything after the model's answer, pure: resolve, render, check.
    static func intentReport(
        spec: AppSpec, feedback: String?, modelAnswer: String,
        knownImages: KnownImages, policy: ManifestPolicy
    ) -> ManifestReport {
        let text = IntentSchema.userText(spec, feedback: feedback)
        let literal = LiteralFacts(
            reading: text, knownImages: knownImages, namespace: policy.namespace,
            ingressDomains: policy.ingressDomains)
        let resolution = IntentResolver.resolve(
            spec: spec, text: text, literal: literal, model: ModelIntent(json: modelAnswer),
            knownImages: knownImages, policy: policy,
            defaultHost: "\(spec.name).\(policy.ingressDomains.first ?? "homelab.local")")
        let notes = resolution.findings
        switch resolution.outcome {
        case .refused(let reasons):
            let errors = reasons.map {
                PolicyFinding(severity: .error, object: "", path: IntentFindings.refused, message: $0)
            }
            return ManifestReport(yaml: nil, objects: [], findings: errors + notes)
        case .needsInput(let questions):
            let errors = questions.map {
                PolicyFinding(
                    severity: .error, object: "", path: IntentFindings.missing + $0.field, message: $0.question)
            }
            return ManifestReport(yaml: nil, objects: [], findings: errors + notes)
        case .intent(let intent):
            let yaml = TemplateGenerator.manifests(for: intent, namespace: policy.namespace)
            var report = ManifestChecker.check(yaml, appName: spec.name, policy: policy)
            let errors = report.findings.filter { $0.severity == .error }
            report.findings = errors + notes + report.findings.filter { $0.severity != .error }
            return report
        }
    }
}

/// How the intent engine's refusals and questions are told apart from the checker's findings.
public enum IntentFindings {
    /// The path of a refusal: the request asks for something the policy forbids.
    public static let refused = "intent.refused"
    /// The path prefix of a question: `intent.missing.image`.
    public static let missing = "intent.missing."

    /// Field → question, for the API's answer and the form.
    public static func questions(in findings: [PolicyFinding]) -> [String: String] {
        var questions: [String: String] = [:]
        for finding in findings where finding.path.hasPrefix(missing) {
            questions[String(finding.path.dropFirst(missing.count))] = finding.message
        }
        return questions
    }

    /// The history's line for a rejected request.
    public static func rejection(_ findings: [PolicyFinding]) -> String {
        let refusals = findings.filter { $0.path == refused }.map(\.message)
        if !refusals.isEmpty { return "Refused: the request " + refusals.joined(separator: "; it ") }
        let questions = questions(in: findings)
        if !questions.isEmpty {
            return "Needs input: " + questions.keys.sorted().compactMap { questions[$0] }.joined(separator: " ")
        }
        return "Rejected by the policy: \(findings.filter { $0.severity == .error }.count) error(s)"
    }
}

import Foundation
import Testing
import YAML

@testable import Manifests

/// Manifests of every allowed kind, valid and broken, each with what `kubernetes-validate --strict`
/// said of it (`verdicts.txt`, written by `record-verdicts.sh`; see the folder's README).
private let schemaFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/kubernetes-schema")

struct RecordedVerdict: CustomTestStringConvertible, Sendable {
    let file: String
    let passes: Bool
    var testDescription: String { "\(file): \(passes ? "pass" : "fail")" }
}

private func recordedVerdicts() throws -> [RecordedVerdict] {
    let text = try String(contentsOf: schemaFixtures.appendingPathComponent("verdicts.txt"), encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let fields = line.split(separator: " ")
        return RecordedVerdict(file: String(fields[0]), passes: fields[1] == "pass")
    }
}

/// The schema violations of every object in a fixture, as written (not normalized), which is what
/// `kubernetes-validate` saw.
private func violations(in file: String) throws -> [SchemaViolation] {
    let text = try String(contentsOf: schemaFixtures.appendingPathComponent(file), encoding: .utf8)
    return try YAML.parseDocuments(text).flatMap { document in
        try #require(
            KubernetesSchema.violations(of: document),
            "\(file): no schema for \(document["apiVersion"]?.string ?? "?")/\(document["kind"]?.string ?? "?")")
    }
}

@Suite("Kubernetes schema")
struct KubernetesSchemaTests {
    @Test("the compiled-in schemas are Kubernetes 1.31's and cover every allowed kind")
    func pinned() {
        #expect(KubernetesSchema.kubernetesVersion == "1.31")
        for kind in ManifestPolicy.defaultAllowedKinds {
            #expect(KubernetesSchema.pinned.kinds.keys.contains { $0.hasSuffix("/\(kind)") }, "no schema for \(kind)")
        }
    }

    @Test("every fixture has a recorded verdict")
    func everyFixtureRecorded() throws {
        let fixtures = try FileManager.default.contentsOfDirectory(atPath: schemaFixtures.path).filter {
            $0.hasSuffix(".yaml")
        }
        #expect(Set(try recordedVerdicts().map(\.file)) == Set(fixtures))
    }

    @Test("agrees with kubernetes-validate --strict on each fixture", arguments: try recordedVerdicts())
    func agreement(_ verdict: RecordedVerdict) throws {
        let found = try violations(in: verdict.file)
        #expect(found.isEmpty == verdict.passes, "\(found.map { "\($0.path): \($0.message)" })")
    }

    struct Finding: CustomTestStringConvertible, Sendable {
        let fixture: String
        let path: String
        let message: String
        var testDescription: String { fixture }
    }

    @Test(
        "a broken manifest is refused with the path and what is wrong",
        arguments: [
            // FieldSpelling, which runs before the schema, names the right spelling first; the schema adds nothing at that path.
            Finding(
                fixture: "invalid-miscased-field.yaml", path: "spec.template.spec.HostNetwork",
                message: "write 'hostNetwork'"),
            Finding(
                fixture: "invalid-resources-limit-typo.yaml", path: "spec.template.spec.containers[0].resources.limit",
                message: "unknown field (did you mean limits?)"),
            Finding(
                fixture: "invalid-metadata-label.yaml", path: "metadata.label",
                message: "unknown field (did you mean labels?)"),
            Finding(
                fixture: "invalid-unknown-field.yaml", path: "spec.template.spec.containers[0].foo",
                message: "unknown field (Container has no such field)"),
            Finding(
                fixture: "invalid-ingress-v1beta1-backend.yaml",
                path: "spec.rules[0].http.paths[0].backend.serviceName",
                message: "unknown field (IngressBackend has no such field)"),
            Finding(
                fixture: "invalid-hpa-v2-with-v1-field.yaml", path: "spec.targetCPUUtilizationPercentage",
                message: "unknown field (HorizontalPodAutoscalerSpec has no such field)"),
            Finding(fixture: "invalid-spec-typo.yaml", path: "sepc", message: "unknown field (did you mean spec?)"),
            Finding(
                fixture: "invalid-replicas-string.yaml", path: "spec.replicas",
                message: "expected integer, got string \"three\""),
            Finding(
                fixture: "invalid-replicas-quoted-number.yaml", path: "spec.replicas",
                message: "expected integer, got string \"3\""),
            Finding(
                fixture: "invalid-container-port-string.yaml",
                path: "spec.template.spec.containers[0].ports[0].containerPort",
                message: "expected integer, got string \"8080\""),
            Finding(
                fixture: "invalid-env-value-integer.yaml", path: "spec.template.spec.containers[0].env[0].value",
                message: "expected string, got integer 8080"),
            Finding(
                fixture: "invalid-env-value-yaml11-boolean.yaml", path: "spec.template.spec.containers[0].env[0].value",
                message: "expected string, got boolean yes"),
            Finding(
                fixture: "invalid-boolean-quoted.yaml",
                path: "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
                message: "expected boolean, got string \"true\""),
            Finding(
                fixture: "invalid-label-value-boolean.yaml", path: "metadata.labels.public",
                message: "expected string, got boolean true"),
            Finding(
                fixture: "invalid-configmap-integer-value.yaml", path: "data.PORT",
                message: "expected string, got integer 8080"),
            Finding(
                fixture: "invalid-probe-port-sequence.yaml",
                path: "spec.template.spec.containers[0].readinessProbe.httpGet.port",
                message: "expected string or integer, got sequence"),
            Finding(
                fixture: "invalid-ports-mapping.yaml", path: "spec.template.spec.containers[0].ports",
                message: "expected sequence, got mapping"),
            Finding(fixture: "invalid-missing-selector.yaml", path: "spec.selector", message: "required field missing"),
            Finding(
                fixture: "invalid-container-without-name.yaml", path: "spec.template.spec.containers[0].name",
                message: "required field missing"),
            Finding(
                fixture: "invalid-service-port-missing.yaml", path: "spec.ports[0].port",
                message: "required field missing"),
            Finding(
                fixture: "invalid-cronjob-unknown-in-job-template.yaml",
                path: "spec.jobTemplate.spec.template.spec.containers[0].imagePullSecret",
                message: "unknown field (Container has no such field)"),
        ])
    func refused(_ expected: Finding) throws {
        let report = check(
            try String(contentsOf: schemaFixtures.appendingPathComponent(expected.fixture), encoding: .utf8))
        #expect(!report.passed)
        let messages = report.errors.filter { $0.path == expected.path }.map(\.message)
        #expect(messages.count == 1 && messages[0].hasSuffix(expected.message), "\(report.errors)")
    }

    @Test("every violation of an object is reported, not only the first")
    func everyViolation() throws {
        let broken = try editing(
            try editing(hardenedDeployment, "spec.replicas", "three"), "spec.template.spec.containers.0.Image", "nginx")
        let paths = check(broken).errors.map(\.path)
        #expect(Set(paths) == ["spec.replicas", "spec.template.spec.containers[0].Image"])
        #expect(paths.count == 2, "each once")
    }

    @Test(
        "ports take a number or a name, as the API does",
        arguments: [
            ("8080", true), ("http", true), ("\"8080\"", true), ("'http'", true),
            ("true", false), ("[8080]", false), ("{number: 8080}", false), ("8080.5", false),
        ])
    func intOrString(_ port: String, _ valid: Bool) throws {
        let service = try editing(
            try String(contentsOf: schemaFixtures.appendingPathComponent("valid-service.yaml"), encoding: .utf8),
            "spec.ports.0.targetPort", port)
        let findings = check(service).errors.filter { $0.path == "spec.ports[0].targetPort" }
        #expect(findings.isEmpty == valid, "\(findings)")
    }

    @Test(
        "scalars are typed as the API server reads YAML",
        arguments: [
            ("3", JSONValueType.integer), ("-3", .integer), ("1_000", .integer), ("0x1F", .integer), ("017", .integer),
            ("2.5", .number), ("-0.25", .number), ("1.0e+3", .number), (".inf", .number),
            ("1e3", .string), ("\"3\"", .string), ("'true'", .string), ("v1.2", .string), ("08", .string),
            ("2024-01-01", .string),
            ("true", .boolean), ("False", .boolean), ("yes", .boolean), ("off", .boolean),
            ("~", .null), ("null", .null), ("", .null),
        ])
    func scalarTypes(_ text: String, _ type: JSONValueType) throws {
        let node = try #require(try YAML.parse("value: \(text)")?["value"])
        #expect(node.jsonType == type)
    }

    @Test("a field an earlier check already explained gets no second finding")
    func noDoubleFinding() throws {
        let report = check(
            try editing(hardenedDeployment, "spec.template.spec.readinessProbe", "{httpGet: {path: /, port: 8080}}"))
        let findings = report.errors.filter { $0.path == "spec.template.spec.readinessProbe" }
        #expect(findings.map(\.message) == ["readinessProbe belongs in a container, not in the pod spec"])
    }
}

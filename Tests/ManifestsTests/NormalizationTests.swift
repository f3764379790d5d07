import RequestValues
import Testing
import YAML

@testable import Manifests

@Suite("Normalizing objects")
struct NormalizationTests {
    @Test("every object is forced into the policy's namespace, with a warning when it named another")
    func namespace() throws {
        let report = check(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              namespace: default
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
            """)
        #expect(
            try report.documents().map { $0[path: ["metadata", "namespace"]]?.string } == [
                "ai-generated", "ai-generated",
            ])
        #expect(
            report.findings == [
                PolicyFinding(
                    severity: .warning, object: "ConfigMap/a", path: "metadata.namespace",
                    message: "namespace 'default' replaced by 'ai-generated'"
                )
            ])

        let custom = check(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", policy: ManifestPolicy(namespace: "sandbox"))
        #expect(try custom.documents().first?[path: ["metadata", "namespace"]]?.string == "sandbox")
    }

    @Test(
        "labels go on the object and on the pods it runs; selectors are untouched",
        arguments: [
            ("Deployment", ["spec", "template", "metadata", "labels"]),
            ("StatefulSet", ["spec", "template", "metadata", "labels"]),
            ("Job", ["spec", "template", "metadata", "labels"]),
            ("CronJob", ["spec", "jobTemplate", "spec", "template", "metadata", "labels"]),
        ])
    func labels(kind: String, podLabels: [String]) throws {
        let podTemplate = """
            template:
              metadata:
                labels:
                  app: web
              spec:
                containers:
                - name: web
                  image: nginx:1.27
            """
        let spec =
            kind == "CronJob"
            ? "schedule: '@daily'\njobTemplate:\n  spec:\n"
                + podTemplate.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            : (kind == "StatefulSet" ? "serviceName: web\n" : "") + "selector:\n  matchLabels:\n    app: web\n"
                + podTemplate
        let text =
            "apiVersion: \(kind == "Job" || kind == "CronJob" ? "batch/v1" : "apps/v1")\nkind: \(kind)\nmetadata:\n  name: web\nspec:\n"
            + spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        let original = try #require(try YAML.parse(text))
        let report = check(text)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let object = try #require(try report.documents().first)
        let expected = ["app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "homeport"]
        for labels in [["metadata", "labels"], podLabels] {
            for (key, value) in expected {
                #expect(object[path: labels]?[key]?.string == value, "\(labels) \(key)")
            }
        }
        #expect(object[path: podLabels]?["app"]?.string == "web", "the model's pod labels stay")
        #expect(
            object[path: ["spec", "selector"]].map(YAMLWriter.string)
                == original[path: ["spec", "selector"]].map(YAMLWriter.string))
    }

    @Test("an object label with another value is replaced; a pod label is kept, as selectors may match it")
    func conflictingLabels() throws {
        let source =
            hardenedDeployment
            .replacing("  name: web\nspec:", with: "  name: web\n  labels:\n    app.kubernetes.io/name: nginx\nspec:")
            .replacing(
                "        app: web\n    spec:",
                with: "        app: web\n        app.kubernetes.io/name: nginx\n    spec:")
        let report = check(source)
        let object = try #require(try report.documents().first)
        #expect(object[path: ["metadata", "labels"]]?["app.kubernetes.io/name"]?.string == "web")
        #expect(object[path: ["spec", "template", "metadata", "labels"]]?["app.kubernetes.io/name"]?.string == "nginx")
        #expect(
            report.warnings.map(\.path) == [
                #"metadata.labels["app.kubernetes.io/name"]"#,
                #"spec.template.metadata.labels["app.kubernetes.io/name"]"#,
            ])
        #expect(report.warnings.first?.message == "label app.kubernetes.io/name 'nginx' replaced by 'web'")
    }

    @Test("a Pod's own labels are pod labels: kept when set to another value")
    func podLabels() {
        let report = check(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app.kubernetes.io/name: other}\nspec:\n  containers: [{name: c, image: 'c:1'}]\n"
        )
        #expect(
            report.warnings.first?.message
                == "pod label app.kubernetes.io/name is 'other', not 'web'; kept, as selectors may match it")
        #expect(report.yaml?.contains("app.kubernetes.io/name: other") == true)
    }

    @Test("unnamed objects take the app's name, then <app>-<kind>")
    func names() throws {
        let report = check(
            """
            apiVersion: v1
            kind: ConfigMap
            data: {a: "1"}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              labels: {tier: web}
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-configmap
            """)
        #expect(
            report.objects == ["ConfigMap/web", "ConfigMap/web-configmap-2", "Service/web", "ConfigMap/web-configmap"])
        #expect(report.errors.isEmpty)
        let first = try #require(try report.documents().first)
        #expect(first.mapping?.map { $0.key.string } == ["apiVersion", "kind", "metadata", "data"])
        #expect(first["metadata"]?.mapping?.map { $0.key.string } == ["name", "namespace", "labels"])
    }

    @Test("app names that YAML would read as numbers or booleans stay strings", arguments: ["123", "yes", "1e3"])
    func quotedAppNames(_ appName: String) throws {
        let report = check("apiVersion: v1\nkind: ConfigMap\ndata: {}\n", appName: appName)
        #expect(report.passed)
        let object = try #require(try report.documents().first)
        #expect(
            object[path: ["metadata", "name"]]
                == YAMLNode(.scalar(appName, quoted: true), mark: object[path: ["metadata", "name"]]!.mark))
        #expect(object[path: ["metadata", "labels"]]?["app.kubernetes.io/name"]?.string == appName)
    }

    @Test(
        "an app name that is not a DNS label is an error",
        arguments: ["Web", "", "web_app", String(repeating: "a", count: 64)])
    func badAppName(_ appName: String) {
        let report = check("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", appName: appName)
        #expect(report.errors.first?.message == "app name '\(appName)' is not a DNS-1123 label")
    }

    @Test(
        "the same input gives the same YAML, byte for byte, and normalizing it again changes nothing",
        arguments: [
            "generate-stream-deployment.txt", "chat-schema-content.txt", "yml-fence-two-documents.txt",
            "json-array.txt", "list-kind.txt", "unfenced-prose-between.txt",
        ])
    func deterministic(_ file: String) throws {
        let output = try modelOutput(file)
        let first = try #require(check(output).yaml)
        #expect(check(output).yaml == first)
        #expect(check(first).yaml == first)
    }

    @Test("the normalized YAML reads back as the same objects")
    func readsBack() throws {
        let report = check(try modelOutput("two-fenced-blocks.txt"))
        let documents = try report.documents()
        #expect(documents.count == 2)
        #expect(report.yaml?.components(separatedBy: "---\n").count == 2)
        #expect(
            documents.map { "\($0["kind"]?.string ?? "")/\($0[path: ["metadata", "name"]]?.string ?? "")" }
                == report.objects)
    }

    @Test("the exact normalized text of a small object")
    func exactText() {
        let report = check("kind: ConfigMap\napiVersion: v1\ndata:\n  greeting: \"hello: world\"\n")
        #expect(
            report.yaml == """
                kind: ConfigMap
                metadata:
                  name: web
                  namespace: ai-generated
                  labels:
                    app.kubernetes.io/name: web
                    app.kubernetes.io/managed-by: homeport
                apiVersion: v1
                data:
                  greeting: "hello: world"

                """)
    }
}

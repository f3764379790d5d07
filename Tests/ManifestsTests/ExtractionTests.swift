import RequestValues
import Testing
import YAML

@testable import Manifests

@Suite("Extracting manifests from model answers")
struct ExtractionTests {
    struct Answer: CustomTestStringConvertible, Sendable {
        let file: String
        let objects: [String]
        var testDescription: String { file }
    }

    @Test(
        "every recorded and realistic answer shape gives its objects",
        arguments: [
            Answer(file: "generate-stream-deployment.txt", objects: ["Deployment/nginx-deployment"]),
            Answer(file: "chat-schema-content.txt", objects: ["Deployment/nginx-deployment"]),
            Answer(file: "prose-around-fence.txt", objects: ["Deployment/web"]),
            Answer(file: "yml-fence-two-documents.txt", objects: ["Deployment/web", "Service/web"]),
            Answer(file: "bare-fence-no-separator.txt", objects: ["Deployment/web", "Service/web"]),
            Answer(file: "tilde-fence.txt", objects: ["ConfigMap/web-config"]),
            Answer(file: "two-fenced-blocks.txt", objects: ["Deployment/web", "Service/web"]),
            Answer(file: "unfenced-prose.txt", objects: ["StatefulSet/cache", "Service/cache"]),
            Answer(file: "unfenced-prose-between.txt", objects: ["ConfigMap/settings", "Job/migrate"]),
            Answer(file: "json-object-fenced.txt", objects: ["Service/api"]),
            Answer(file: "json-array.txt", objects: ["ConfigMap/api-config", "Service/api"]),
            Answer(file: "json-yaml-wrapper.txt", objects: ["ConfigMap/api-config", "Service/api"]),
            Answer(file: "list-kind.txt", objects: ["ConfigMap/api-config", "Service/api"]),
            Answer(file: "unterminated-fence.txt", objects: ["ConfigMap/truncated"]),
        ])
    func shapes(_ answer: Answer) throws {
        let output = try modelOutput(answer.file)
        let report = check(output)
        #expect(report.objects == answer.objects)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(try report.documents().count == answer.objects.count)

        let extracted = ManifestExtractor.extract(output)
        #expect(!extracted.contains("```") && !extracted.contains("~~~"))
        for prose in ["Here", "Sure", "This YAML", "Note:", "Save both", "And here", "kubectl apply"] {
            #expect(!extracted.contains(prose), "\(prose) left in \(extracted)")
        }
    }

    @Test("the recorded streamed answer: a fenced Deployment with nginx:latest and no resources")
    func recordedStream() throws {
        let report = check(try modelOutput("generate-stream-deployment.txt"), appName: "nginx")
        #expect(report.passed)
        let image = "spec.template.spec.containers[0].image"
        #expect(
            report.warnings.contains {
                $0.path == image && $0.message == "image 'nginx:latest' uses the latest tag; pin a version"
            })
        #expect(report.warnings.contains { $0.path == "spec.template.spec.containers[0].resources.requests" })
        let deployment = try #require(try report.documents().first)
        #expect(deployment[path: ["metadata", "namespace"]]?.string == "ai-generated")
        #expect(deployment[path: ["spec", "replicas"]]?.int == 2)
    }

    @Test("the recorded schema answer: JSON whose yaml field holds a JSON array missing a brace")
    func recordedSchemaAnswer() throws {
        let output = try modelOutput("chat-schema-content.txt")
        let extracted = ManifestExtractor.extract(output)
        #expect(extracted.hasPrefix("[\n  { \"apiVersion\": \"apps/v1\""))
        #expect(extracted.hasSuffix("}\n  }}]\n"), "the missing brace is added, the stray bracket dropped")
        let report = check(output, appName: "nginx")
        #expect(report.passed)
        let deployment = try #require(try report.documents().first)
        #expect(
            deployment[path: ["spec", "template", "spec", "containers"]]?.sequence?.first?["image"]?.string
                == "nginx:latest")
    }

    @Test("a fenced block comes out as its body, without the fences and prose")
    func fencedBody() {
        let output =
            "Here is the ConfigMap:\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n```\n\nThis YAML defines a ConfigMap."
        #expect(ManifestExtractor.extract(output) == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    }

    @Test("several fenced blocks become separate documents")
    func blocksAsDocuments() {
        let output = "```yaml\nkind: A\n```\ntext\n```yaml\nkind: B\n```\n"
        #expect(ManifestExtractor.extract(output) == "kind: A\n---\nkind: B\n")
    }

    @Test("a forgotten --- between two objects is put back")
    func missingSeparator() {
        let output = "apiVersion: v1\nkind: A\n\napiVersion: v1\nkind: B\n"
        #expect(ManifestExtractor.extract(output) == "apiVersion: v1\nkind: A\n\n---\napiVersion: v1\nkind: B\n")
    }

    @Test("code blocks in other languages are not manifests")
    func otherLanguages() {
        let output =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n\nApply it:\n\n```bash\nkubectl apply -f a.yaml\n```\n"
        #expect(ManifestExtractor.extract(output) == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    }

    @Test(
        "plain YAML goes through unchanged",
        arguments: [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n",
            "---\napiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n",
            "apiVersion: v1\n# generated\nkind: List\nitems:\n- kind: ConfigMap\n- kind: Secret\n",
            "\"apiVersion\": \"v1\"\n'kind': ConfigMap\n",
            "- apiVersion: v1\n  kind: ConfigMap\n- apiVersion: v1\n  kind: Service\n",
        ])
    func plainYAML(_ text: String) {
        #expect(ManifestExtractor.extract(text) == text)
    }

    @Test("prose bullets after a manifest are dropped, items under a key are kept")
    func bullets() {
        let output = "kind: List\nitems:\n- kind: A\n- kind: B\nspec:\n  x: 1\n- The list holds two objects.\n"
        #expect(ManifestExtractor.extract(output) == "kind: List\nitems:\n- kind: A\n- kind: B\nspec:\n  x: 1\n")
    }

    @Test("JSON after prose is cut where its brackets close")
    func jsonAfterProse() {
        let output =
            "The object:\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"a\"}} Hope this helps!\n"
        #expect(
            ManifestExtractor.extract(output)
                == "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"a\"}}\n")
    }

    @Test("wrappers holding objects rather than text are opened too")
    func objectWrapper() {
        let report = check(#"{"manifests": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}"#)
        #expect(report.objects == ["ConfigMap/a"])
    }

    @Test("Windows line endings and a byte-order mark")
    func lineEndings() {
        let output =
            "\u{FEFF}Here:\r\n```yaml\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n```\r\n"
        #expect(ManifestExtractor.extract(output) == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
    }

    @Test(
        "answers without a manifest extract to nothing",
        arguments: [
            "", "   \n\n", "I'm sorry, I can't help with that.", "Here is the YAML:\n\n```yaml\n```\n",
            "Note: a Deployment needs a selector.\nExplanation: see the docs.",
        ])
    func nothing(_ output: String) {
        #expect(ManifestExtractor.extract(output) == "")
        let report = check(output)
        #expect(report.yaml == nil)
        #expect(
            report.findings == [
                PolicyFinding(severity: .error, object: "", path: "", message: "the output holds no Kubernetes object")
            ])
    }
}

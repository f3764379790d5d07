import Manifests
import RequestValues
import Testing
import YAML

@testable import Provisioning

@Suite("Template engine")
struct TemplateGeneratorTests {
    let spec = AppSpec(
        name: "web", description: "The team's site", owner: "group:default/platform-team",
        image: "ghcr.io/homelab/web:1.2.0",
        port: 3000, replicas: 2, size: .medium, environment: [.init(name: "MODE", value: "8080")], volumeSize: "5Gi",
        prompt: "Serve the site", engine: .template)

    @Test("same input, byte-identical output")
    func deterministic() {
        #expect(
            TemplateGenerator.manifests(for: spec, namespace: "ai-generated")
                == TemplateGenerator.manifests(for: spec, namespace: "ai-generated"))
        #expect(TemplateGenerator.catalogEntry(for: spec) == TemplateGenerator.catalogEntry(for: spec))
    }

    @Test("Deployment, Service, Ingress, ConfigMap and PVC, all in the namespace, labelled")
    func objects() throws {
        let documents = try YAML.parseDocuments(TemplateGenerator.manifests(for: spec, namespace: "ai-generated"))
        #expect(
            documents.map { $0["kind"]?.string } == [
                "Deployment", "Service", "Ingress", "ConfigMap", "PersistentVolumeClaim",
            ])
        for document in documents {
            #expect(document["metadata"]?["namespace"]?.string == "ai-generated")
            #expect(document["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]?.string == "homeport")
            #expect(document["metadata"]?["labels"]?["app.kubernetes.io/name"]?.string == "web")
        }
        let deployment = documents[0]
        let container = try #require(deployment["spec"]?["template"]?["spec"]?["containers"]?.sequence?.first)
        #expect(deployment["spec"]?["replicas"]?.int == 2)
        #expect(container["image"]?.string == "ghcr.io/homelab/web:1.2.0")
        #expect(container["ports"]?.sequence?.first?["containerPort"]?.int == 3000)
        #expect(container["resources"]?["limits"]?["memory"]?.string == "1Gi")
        #expect(container["securityContext"]?["allowPrivilegeEscalation"]?.bool == false)
        let ingress = documents[2]
        #expect(ingress["metadata"]?["annotations"]?["cert-manager.io/cluster-issuer"]?.string == "homelab-ca")
        #expect(ingress["spec"]?["ingressClassName"]?.string == "traefik")
        #expect(ingress["spec"]?["tls"]?.sequence?.first?["hosts"]?.sequence?.first?.string == "web.homelab.local")
        #expect(documents[3]["data"]?["MODE"]?.string == "8080", "a value that looks like a number stays a string")
        #expect(documents[4]["spec"]?["resources"]?["requests"]?["storage"]?.string == "5Gi")
    }

    @Test(
        "homeport lint finds in the template's manifests exactly what the flow's checker finds",
        arguments: [
            (ResourceSize.medium, "ghcr.io/homelab/web:1.2.0"), (.small, "nginx"),
            (.large, "ghcr.io/homelab/web:latest"),
        ])
    func lintAgreesWithTheFlow(_ size: ResourceSize, _ image: String) {
        var spec = self.spec
        spec.size = size
        spec.image = image
        let manifests = TemplateGenerator.manifests(for: spec, namespace: "ai-generated")
        let flow = ManifestChecker.check(manifests, appName: "web", policy: ManifestPolicy()).findings
        let lint = ManifestChecker.lint(manifests, policy: ManifestPolicy(), level: .baseline).map(\.finding)
        #expect(lint == flow)
        #expect(!flow.contains { $0.severity == .error }, "\(flow)")
    }

    @Test("the catalog entry is a Backstage Component owned by the chosen group")
    func catalogEntry() throws {
        let entity = try #require(try YAML.parse(TemplateGenerator.catalogEntry(for: spec)))
        #expect(entity["kind"]?.string == "Component")
        #expect(entity["metadata"]?["name"]?.string == "web")
        #expect(entity["spec"]?["owner"]?.string == "group:default/platform-team")
    }
}

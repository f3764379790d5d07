import Markdown
import YAML

/// A group of links to the homelab's services (`platform/services.yaml`).
public struct ServiceGroup: Sendable {
    public var name: String
    public var description: String?
    public var services: [ServiceLink]
}

public struct ServiceLink: Sendable {
    public var name: String
    public var url: String
    public var description: String?
    /// What the service is (`grafana`, `argocd`...), so that Homeport can build links into it.
    public var type: String?
    /// The catalog entity the service is, if any.
    public var entity: EntityRef?
}

enum ServiceLinksLoader {
    static func load(file: String, files: PlatformFiles, problems: inout [LoadProblem]) -> [ServiceGroup] {
        guard let document = PlatformYAML.readDocument(file: file, files: files, topLevelKeys: ["groups"], problems: &problems) else { return [] }
        var groups: [ServiceGroup] = []
        for item in PlatformYAML.list(document, "groups", file: file, problems: &problems) {
            var record = YAMLRecord(item, file: file, context: "group")
            let name = record.string("name") ?? "Services"
            let description = record.string("description")
            var services: [ServiceLink] = []
            for serviceNode in PlatformYAML.list(item, "services", file: file, problems: &problems) {
                if let service = service(serviceNode, file: file, problems: &problems) { services.append(service) }
            }
            problems += record.finish(ignoring: ["services"])
            groups.append(ServiceGroup(name: name, description: description, services: services))
        }
        return groups
    }

    private static func service(_ node: YAMLNode, file: String, problems: inout [LoadProblem]) -> ServiceLink? {
        var record = YAMLRecord(node, file: file, context: "service")
        defer { problems += record.finish() }
        guard let name = record.string("name") else {
            record.report(node, "a service needs a name")
            return nil
        }
        guard let url = record.string("url"), url.hasPrefix("https://") || url.hasPrefix("http://"), Markdown.isSafeURL(url) else {
            record.report(node, "service '\(name)' needs an http or https url")
            return nil
        }
        var entity: EntityRef?
        if let text = record.string("entity") {
            switch EntityRef.parse(text, defaultKind: "component", defaultNamespace: EntityRef.defaultNamespace) {
            case let .success(ref): entity = ref
            case let .failure(error): record.report(node["entity"]!, error.reason)
            }
        }
        return ServiceLink(name: name, url: url, description: record.string("description"), type: record.string("type")?.lowercased(), entity: entity)
    }
}

import YAML

/// Turns the parsed documents into objects. A JSON array of objects and a `kind: List` (or
/// `DeploymentList`...) with `items` are how models put several objects in one document; each
/// element becomes an object of its own.
enum Documents {
    static func objects(from documents: [YAMLNode], findings: inout Findings) -> [ManifestObject] {
        var objects: [ManifestObject] = []
        for (index, document) in documents.enumerated() {
            collect(document, place: "document \(index + 1)", into: &objects, findings: &findings)
        }
        return objects
    }

    private static func collect(
        _ node: YAMLNode, place: String, into objects: inout [ManifestObject], findings: inout Findings
    ) {
        if let items = node.sequence ?? listItems(node) {
            for (index, item) in items.enumerated() {
                collect(item, place: "\(place), item \(index + 1)", into: &objects, findings: &findings)
            }
        } else if node.mapping != nil {
            objects.append(ManifestObject(node: node, place: place))
        } else {
            findings.error("\(place) is a \(node.shapeName), not a Kubernetes object", line: node.mark.line)
        }
    }

    private static func listItems(_ node: YAMLNode) -> [YAMLNode]? {
        guard let kind = node["kind"]?.string, kind.hasSuffix("List") else { return nil }
        return node["items"]?.sequence
    }
}

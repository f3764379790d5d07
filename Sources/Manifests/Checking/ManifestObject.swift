import YAML

/// One Kubernetes object of the answer, as normalization and the checks see it.
struct ManifestObject {
    /// The object's mapping, edited in place by normalization.
    var node: YAMLNode
    /// Where it came from ("document 2", "document 1, item 3"), for objects that cannot be named.
    let place: String

    var kind: String? { node["kind"]?.string }
    var name: String? { node[path: ["metadata", "name"]]?.string }

    /// `Kind/name`, as findings and the report name objects; empty while the object has no kind.
    var reference: String {
        guard let kind else { return "" }
        return "\(kind)/\(name ?? "")"
    }
}

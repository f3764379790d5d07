import YAML

/// The fields every object needs before it can be named, normalized and checked.
enum Structure {
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        if object.kind == nil {
            findings.error("\(object.place) has no kind", at: FieldPath(["kind"]))
        }
        if object.node["apiVersion"]?.string == nil {
            if object.kind == nil {
                findings.error("\(object.place) has no apiVersion", at: FieldPath(["apiVersion"]))
            } else {
                findings.error("the object has no apiVersion", in: object, at: FieldPath(["apiVersion"]))
            }
        }
        if let metadata = object.node["metadata"], !metadata.isNull, metadata.mapping == nil {
            findings.error(
                "metadata is a \(metadata.shapeName), not a mapping", in: object, at: FieldPath(["metadata"]))
        }
        for path in mergeKeys(in: object.node, at: .root) {
            findings.error(
                "merge keys (<<) are not allowed: the checks would not see the merged fields", in: object, at: path)
        }
    }

    /// Paths of `<<` keys. The parser keeps `<<` as a plain key, but Kubernetes merges it in, so
    /// fields hidden behind one (a `privileged: true`) would escape the checks.
    private static func mergeKeys(in node: YAMLNode, at path: FieldPath) -> [FieldPath] {
        switch node.value {
        case .scalar:
            return []
        case .sequence(let items):
            return items.enumerated().flatMap { mergeKeys(in: $0.element, at: path.index($0.offset)) }
        case .mapping(let pairs):
            return pairs.flatMap { pair -> [FieldPath] in
                guard case .scalar(let key, let quoted) = pair.key.value else { return [] }
                let child = path.key(key)
                return key == "<<" && !quoted ? [child] : mergeKeys(in: pair.value, at: child)
            }
        }
    }
}

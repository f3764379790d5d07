import YAML

/// A dotted path into an object, as findings show it: `spec.template.spec.containers[0].image`.
/// Keys holding dots or slashes (label and annotation keys) are bracketed so the path stays
/// unambiguous: `metadata.labels["app.kubernetes.io/name"]`.
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    let description: String
    /// The steps, to find the node a finding is about (and so its line).
    let steps: [Step]

    static let root = FieldPath(description: "", steps: [])

    private init(description: String, steps: [Step]) {
        self.description = description
        self.steps = steps
    }

    /// A path of plain keys.
    init(_ keys: [String]) {
        self = keys.reduce(.root) { $0.key($1) }
    }

    func key(_ name: String) -> FieldPath {
        if name.contains(where: { $0 == "." || $0 == "/" || $0 == "[" || $0 == " " }) {
            return FieldPath(description: description + "[\"\(name)\"]", steps: steps + [.key(name)])
        }
        return FieldPath(
            description: description.isEmpty ? name : description + "." + name, steps: steps + [.key(name)])
    }

    func index(_ position: Int) -> FieldPath {
        FieldPath(description: description + "[\(position)]", steps: steps + [.index(position)])
    }

    /// The line of the deepest field of `node` along this path: the key's line for a field that
    /// is there, else the nearest ancestor's (a missing field is reported where it belongs).
    func line(in node: YAMLNode) -> Int {
        var current = node
        var line = node.mark.line
        for step in steps {
            switch step {
            case .key(let name):
                guard let pair = current.mapping?.first(where: { $0.key.string == name }) else { return line }
                line = pair.key.mark.line
                current = pair.value
            case .index(let position):
                guard let items = current.sequence, items.indices.contains(position) else { return line }
                line = items[position].mark.line
                current = items[position]
            }
        }
        return line
    }
}

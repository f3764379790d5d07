/// A dotted path into an object, as findings show it: `spec.template.spec.containers[0].image`.
/// Keys holding dots or slashes (label and annotation keys) are bracketed so the path stays
/// unambiguous: `metadata.labels["app.kubernetes.io/name"]`.
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    let description: String

    static let root = FieldPath(description: "")

    private init(description: String) {
        self.description = description
    }

    /// A path of plain keys.
    init(_ keys: [String]) {
        self = keys.reduce(.root) { $0.key($1) }
    }

    func key(_ name: String) -> FieldPath {
        if name.contains(where: { $0 == "." || $0 == "/" || $0 == "[" || $0 == " " }) {
            return FieldPath(description: description + "[\"\(name)\"]")
        }
        return FieldPath(description: description.isEmpty ? name : description + "." + name)
    }

    func index(_ position: Int) -> FieldPath {
        FieldPath(description: description + "[\(position)]")
    }
}

/// Findings in the order the checks make them, object by object; the report lists errors first.
struct Findings {
    private(set) var all: [PolicyFinding] = []

    /// About the answer as a whole, or a document that is not an object.
    mutating func error(_ message: String, at path: FieldPath = .root) {
        all.append(PolicyFinding(severity: .error, object: "", path: path.description, message: message))
    }

    mutating func error(_ message: String, in object: ManifestObject, at path: FieldPath) {
        all.append(PolicyFinding(severity: .error, object: object.reference, path: path.description, message: message))
    }

    mutating func warning(_ message: String, in object: ManifestObject, at path: FieldPath) {
        all.append(PolicyFinding(severity: .warning, object: object.reference, path: path.description, message: message))
    }

    /// Adds the findings of `other` after these.
    mutating func append(_ other: Findings) {
        all += other.all
    }

    /// Errors, then warnings, each in the order found (document order).
    var errorsFirst: [PolicyFinding] {
        all.filter { $0.severity == .error } + all.filter { $0.severity == .warning }
    }
}

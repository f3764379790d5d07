import RequestValues

/// Findings in the order the checks make them, object by object; the report lists errors first.
/// Each keeps the line of the node it is about, for `homeport lint`.
struct Findings {
    private(set) var located: [LocatedFinding] = []

    var all: [PolicyFinding] { located.map(\.finding) }
    var count: Int { located.count }

    /// About the answer as a whole, or a document that is not an object.
    mutating func error(_ message: String, at path: FieldPath = .root, line: Int = 1) {
        located.append(
            LocatedFinding(
                PolicyFinding(severity: .error, object: "", path: path.description, message: message), line: line))
    }

    mutating func error(_ message: String, in object: ManifestObject, at path: FieldPath) {
        located.append(
            LocatedFinding(
                PolicyFinding(severity: .error, object: object.reference, path: path.description, message: message),
                line: path.line(in: object.node)))
    }

    mutating func warning(_ message: String, in object: ManifestObject, at path: FieldPath) {
        located.append(
            LocatedFinding(
                PolicyFinding(severity: .warning, object: object.reference, path: path.description, message: message),
                line: path.line(in: object.node)))
    }

    /// Makes the warnings found since `start` errors (Pod Security "restricted" enforced).
    mutating func promoteWarnings(since start: Int) {
        for index in located.indices.dropFirst(start) {
            located[index].finding.severity = .error
        }
    }

    /// Adds the findings of `other` after these.
    mutating func append(_ other: Findings) {
        located += other.located
    }

    /// Errors, then warnings, each in the order found (document order).
    var errorsFirst: [PolicyFinding] {
        locatedErrorsFirst.map(\.finding)
    }

    var locatedErrorsFirst: [LocatedFinding] {
        located.filter { $0.finding.severity == .error } + located.filter { $0.finding.severity == .warning }
    }
}

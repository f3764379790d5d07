/// One thing the policy check found.
public struct PolicyFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable {
        /// Blocks the pull request.
        case error
        /// Shown on the request page and in the PR body; does not block.
        case warning
    }

    public var severity: Severity
    /// `Kind/name` of the object, or empty for the output as a whole.
    public var object: String
    /// Dotted path inside the object (`spec.template.spec.hostNetwork`), or empty.
    public var path: String
    public var message: String

    public init(severity: Severity, object: String, path: String, message: String) {
        self.severity = severity
        self.object = object
        self.path = path
        self.message = message
    }
}

/// A file, or a part of one, that could not be loaded; listed on the errors page and by `homeport check`.
public struct LoadProblem: Sendable, Hashable, CustomStringConvertible {
    /// Path relative to the platform root.
    public var file: String
    /// 1-based line, when the problem has a place.
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// A file, or a part of one, that could not be loaded; listed on the errors page and by `homeport check`.
public struct LoadProblem: Sendable, Hashable, CustomStringConvertible {
    /// Path relative to the platform root.
    public var file: String
    /// 1-based line, when the problem has a place.
    public var line: Int?
    /// 1-based column, when the parser knows it.
    public var column: Int?
    public var reason: String

    public init(file: String, line: Int?, column: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// Where in the file: `12` or `12:5`.
    public var position: String? {
        line.map { line in column.map { "\(line):\($0)" } ?? "\(line)" }
    }

    public var description: String {
        if let position { return "\(file):\(position): \(reason)" }
        return "\(file): \(reason)"
    }
}

/// Why a YAML text could not be read, and where.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var reason: String

    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    public init(at mark: YAMLMark, _ reason: String) {
        self.init(line: mark.line, column: mark.column, reason: reason)
    }

    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// Bounds that keep hostile or runaway YAML (billion laughs, deep nesting, huge inputs) from
/// exhausting memory or the stack.
public struct YAMLLimits: Sendable {
    /// Largest input accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of collections.
    public var maxDepth: Int
    /// Most nodes that aliases may copy in, over the whole input.
    public var maxAliasExpansion: Int
    /// Most documents in one stream.
    public var maxDocuments: Int

    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 64, maxAliasExpansion: Int = 10_000, maxDocuments: Int = 1_000)
    {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDocuments = maxDocuments
    }

    public static let `default` = YAMLLimits()
}

/// A position in a YAML source, 1-based as editors show it.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// One node of a parsed YAML document, with the place it came from.
///
/// Scalars keep their text and whether they were quoted, so that callers decide how to read them
/// (`"1.0"` stays a string, `1.0` may be a number); mappings keep their key order.
public struct YAMLNode: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.scalar(let a, let qa), .scalar(let b, let qb)): return a == b && qa == qb
            case (.sequence(let a), .sequence(let b)): return a == b
            case (.mapping(let a), .mapping(let b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            default: return false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .scalar(let text, let quoted):
                hasher.combine(text)
                hasher.combine(quoted)
            case .sequence(let items): hasher.combine(items)
            case .mapping(let pairs):
                for pair in pairs {
                    hasher.combine(pair.key)
                    hasher.combine(pair.value)
                }
            }
        }
    }

    public var value: Value
    public var mark: YAMLMark

    public init(_ value: Value, mark: YAMLMark) {
        self.value = value
        self.mark = mark
    }
}

// MARK: - Reading values

extension YAMLNode {
    /// The text of a scalar, or nil for collections and nulls.
    public var string: String? {
        guard case .scalar(let text, let quoted) = value else { return nil }
        if !quoted && Self.isNullWord(text) { return nil }
        return text
    }

    /// True for an explicit or implicit null (`~`, `null`, empty).
    public var isNull: Bool {
        guard case .scalar(let text, let quoted) = value else { return false }
        return !quoted && Self.isNullWord(text)
    }

    /// An unquoted integer scalar (decimal), as YAML's core schema reads it.
    public var int: Int? {
        guard case .scalar(let text, let quoted) = value, !quoted else { return nil }
        return Int(text.filter { $0 != "_" })
    }

    /// An unquoted number scalar.
    public var double: Double? {
        guard case .scalar(let text, let quoted) = value, !quoted else { return nil }
        return Double(text)
    }

    /// An unquoted boolean scalar (`true`/`false` in any case, as the YAML 1.2 core schema reads them).
    public var bool: Bool? {
        guard case .scalar(let text, let quoted) = value, !quoted else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = value { return pairs }
        return nil
    }

    /// The value for a string key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = value else { return nil }
        return pairs.first { pair in
            guard case .scalar(let text, let quoted) = pair.key.value else { return false }
            return text == key && (quoted || !Self.isNullWord(text))
        }?.value
    }

    /// A short name for the node's shape, for error messages ("expected a mapping, found a sequence").
    public var shapeName: String {
        switch value {
        case .scalar: return isNull ? "null" : "scalar"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }

    /// `~`, `null`, `Null`, `NULL` or nothing. Compared, not looked up in a set: this runs for
    /// every key of every lookup at load, and hashing each text was a tenth of the catalog's parse.
    private static func isNullWord(_ text: String) -> Bool {
        guard text.utf8.count <= 4 else { return false }
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}

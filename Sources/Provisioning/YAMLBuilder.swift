import YAML

/// Builds `YAMLNode` trees in code, so generated manifests are written by `YAMLWriter` with correct
/// quoting instead of by string templates.
enum YAMLBuilder {
    private static let nowhere = YAMLMark(line: 0, column: 0)

    static func map(_ pairs: [(String, YAMLNode?)]) -> YAMLNode {
        YAMLNode(.mapping(pairs.compactMap { key, value in value.map { (text(key), $0) } }), mark: nowhere)
    }

    static func list(_ items: [YAMLNode]) -> YAMLNode {
        YAMLNode(.sequence(items), mark: nowhere)
    }

    /// A string; quoted so that `"8080"` or `"true"` stay strings.
    static func text(_ value: String) -> YAMLNode {
        YAMLNode(.scalar(value, quoted: !isPlainSafe(value)), mark: nowhere)
    }

    static func number(_ value: Int) -> YAMLNode {
        YAMLNode(.scalar(String(value), quoted: false), mark: nowhere)
    }

    static func flag(_ value: Bool) -> YAMLNode {
        YAMLNode(.scalar(value ? "true" : "false", quoted: false), mark: nowhere)
    }

    /// Plain when reading it back gives the same string (not a number, bool or null).
    private static func isPlainSafe(_ value: String) -> Bool {
        guard !value.isEmpty, Int(value) == nil, Double(value) == nil else { return false }
        return !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(value.lowercased())
    }
}

/// Writes a `YAMLNode` back as block-style YAML, for showing a parsed value as people write it.
public enum YAMLWriter {
    public static func string(_ node: YAMLNode) -> String {
        var out = ""
        write(node, indent: 0, into: &out, inline: false)
        return out
    }

    private static func write(_ node: YAMLNode, indent: Int, into out: inout String, inline: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch node.value {
        case .scalar:
            out += (inline ? " " : pad) + scalar(node, indent: indent) + "\n"
        case let .sequence(items):
            if items.isEmpty { out += (inline ? " " : pad) + "[]\n"; return }
            if inline { out += "\n" }
            for item in items {
                if case .scalar = item.value {
                    out += pad + "- " + scalar(item, indent: indent + 1) + "\n"
                    continue
                }
                // A collection item starts on the dash's line: "- name: web", then its other keys below.
                var nested = ""
                write(item, indent: indent + 1, into: &nested, inline: false)
                let nestedPad = String(repeating: "  ", count: indent + 1)
                if nested.hasPrefix(nestedPad + " ") || !nested.hasPrefix(nestedPad) {
                    out += pad + "-\n" + nested
                } else {
                    out += pad + "- " + nested.dropFirst(nestedPad.count)
                }
            }
        case let .mapping(pairs):
            if pairs.isEmpty { out += (inline ? " " : pad) + "{}\n"; return }
            if inline { out += "\n" }
            for pair in pairs {
                out += pad + scalar(pair.key) + ":"
                if case .scalar = pair.value.value {
                    out += " " + scalar(pair.value, indent: indent + 1) + "\n"
                } else {
                    write(pair.value, indent: indent + 1, into: &out, inline: true)
                }
            }
        }
    }

    private static func scalar(_ node: YAMLNode, indent: Int = 0) -> String {
        guard case let .scalar(text, quoted) = node.value else { return "" }
        if !quoted && !text.isEmpty && !needsQuotes(text) { return text }
        if !quoted && text.isEmpty { return "null" }
        // Multi-line text reads best as a literal block; `|-` drops the final newline the text lacks.
        if text.contains("\n"), !text.hasSuffix("\n\n"), text.first != " " {
            let keepsNewline = text.hasSuffix("\n")
            let lines = (keepsNewline ? text.dropLast() : Substring(text)).split(separator: "\n", omittingEmptySubsequences: false)
            let pad = String(repeating: "  ", count: indent + 1)
            return (keepsNewline ? "|" : "|-") + "\n" + lines.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
        }
        let escaped = text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            .replacing("\n", with: "\\n").replacing("\t", with: "\\t")
        return "\"" + escaped + "\""
    }

    private static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == " " || last == " " { return true }
        // ": ", " #" or a line break anywhere; scanned as bytes, as this runs for every value of a
        // 10,000-entity catalog at load.
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") || (previous == UInt8(ascii: ":") && byte == UInt8(ascii: " "))
                || (previous == UInt8(ascii: " ") && byte == UInt8(ascii: "#")) { return true }
            previous = byte
        }
        return false
    }
}

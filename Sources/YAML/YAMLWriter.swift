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
        case .sequence(let items):
            if items.isEmpty {
                out += (inline ? " " : pad) + "[]\n"
                return
            }
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
        case .mapping(let pairs):
            if pairs.isEmpty {
                out += (inline ? " " : pad) + "{}\n"
                return
            }
            if inline { out += "\n" }
            for pair in pairs {
                out += pad + scalar(pair.key, blockAllowed: false) + ":"
                if case .scalar = pair.value.value {
                    out += " " + scalar(pair.value, indent: indent + 1) + "\n"
                } else {
                    write(pair.value, indent: indent + 1, into: &out, inline: true)
                }
            }
        }
    }

    /// `blockAllowed` is false for mapping keys, which cannot be block scalars (found by the fuzz tests).
    private static func scalar(_ node: YAMLNode, indent: Int = 0, blockAllowed: Bool = true) -> String {
        guard case .scalar(let text, let quoted) = node.value else { return "" }
        if !quoted && !text.isEmpty && !needsQuotes(text) { return text }
        if !quoted && text.isEmpty { return "null" }
        let controls = text.unicodeScalars.contains { Self.mustEscape($0) && $0 != "\n" && $0 != "\t" }
        // Multi-line text reads best as a literal block; `|-` drops the final newline the text lacks.
        // A line starting with a space or a tab would change the block's indentation.
        let indentedLine = text.split(separator: "\n").contains { $0.first == " " || $0.first == "\t" }
        if blockAllowed, !controls, !indentedLine, text.contains("\n"), !text.hasSuffix("\n\n"),
            text.contains(where: { $0 != "\n" })
        {
            let keepsNewline = text.hasSuffix("\n")
            let lines = (keepsNewline ? text.dropLast() : Substring(text)).split(
                separator: "\n", omittingEmptySubsequences: false)
            let pad = String(repeating: "  ", count: indent + 1)
            return (keepsNewline ? "|" : "|-") + "\n" + lines.map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
        }
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case _ where Self.mustEscape(character):
                escaped +=
                    "\\u" + String(repeating: "0", count: 4 - String(character.value, radix: 16).count)
                    + String(character.value, radix: 16)
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "\"" + escaped + "\""
    }

    private static func needsQuotes(_ text: String) -> Bool {
        // All on the UTF-8 bytes, as this runs for every value of a 10,000-entity catalog at load:
        // the characters looked at are ASCII.
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last else { return true }
        // A dash starts a sequence entry or a document marker only before a space or at the end;
        // `-12` and `-.inf` stay plain, or a negative number would be written back as a string.
        if first == UInt8(ascii: "-") {
            let second = bytes.dropFirst().first
            if second == nil || second == UInt8(ascii: " ") || text.hasPrefix("---") { return true }
        } else if indicators.contains(first) {
            return true
        }
        if first == UInt8(ascii: " ") || last == UInt8(ascii: " ") { return true }
        // ": ", " #", a control character or a line break anywhere, with the Unicode check for
        // non-ASCII text only.
        var previous: UInt8 = 0
        var asciiOnly = true
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == UInt8(ascii: ":") && byte == UInt8(ascii: " "))
                || (previous == UInt8(ascii: " ") && byte == UInt8(ascii: "#"))
            {
                return true
            }
            if byte >= 0x80 { asciiOnly = false }
            previous = byte
        }
        return !asciiOnly && text.unicodeScalars.contains(where: mustEscape)
    }

    /// Characters that start something else than a plain scalar.
    private static let indicators = Array("?:,[]{}#&*!|>'\"%@`".utf8)

    /// Control characters, and the characters YAML reads as line breaks besides `\n` (NEL, LS,
    /// PS: found by the fuzz tests), are written as escapes inside double quotes.
    private static func mustEscape(_ character: Unicode.Scalar) -> Bool {
        character.properties.generalCategory == .control || character == "\u{2028}" || character == "\u{2029}"
    }
}

/// What a single line of an answer looks like, read without parsing: enough to tell a manifest's
/// lines from the prose around them.
enum LineShapes {
    /// The key of a top-level `key:` line, plain or quoted (`"apiVersion": v1`). Kubernetes fields
    /// are lowerCamelCase, so a capitalised "Note:" or "Explanation:" is prose, not a key.
    static func topLevelKey(_ line: String) -> Substring? {
        topLevelEntry(line)?.key
    }

    /// True when a top-level `key:` line leaves its value to the lines below (`containers:`).
    static func opensBlock(_ line: String) -> Bool {
        guard let value = topLevelEntry(line)?.value.drop(while: { $0 == " " || $0 == "\t" }) else { return false }
        return value.isEmpty || value.first == "#"
    }

    private static func topLevelEntry(_ line: String) -> (key: Substring, value: Substring)? {
        guard let first = line.first else { return nil }
        let key: Substring
        let rest: Substring
        if first == "\"" || first == "'" {
            guard let close = line.dropFirst().firstIndex(of: first) else { return nil }
            key = line[line.index(after: line.startIndex)..<close]
            rest = line[line.index(after: close)...].drop { $0 == " " }
        } else {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            key = line[..<colon]
            rest = line[colon...]
        }
        guard let initial = key.first, initial.isASCII, initial.isLowercase,
            key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), rest.first == ":"
        else { return nil }
        let value = rest.dropFirst()
        return value.isEmpty || value.first == " " || value.first == "\t" ? (key, value) : nil
    }

    /// `---` (document start) or `...` (document end), alone or followed by a comment or value.
    static func isDocumentMarker(_ line: String) -> Bool {
        for marker in ["---", "..."] where line.hasPrefix(marker) {
            let rest = line.dropFirst(3)
            if rest.isEmpty || rest.first == " " || rest.first == "\t" { return true }
        }
        return false
    }

    /// A line a manifest may start with: `---`, a top-level `key:`, or the first item of a
    /// sequence of objects (`- apiVersion: v1`).
    static func startsYAML(_ line: String) -> Bool {
        isDocumentMarker(line) || topLevelKey(line) != nil
            || (isItem(line) && topLevelKey(String(line.dropFirst(2))) != nil)
    }

    /// A top-level sequence item (`- name: web`).
    static func isItem(_ line: String) -> Bool {
        line == "-" || line.hasPrefix("- ")
    }

    static func isIndented(_ line: String) -> Bool {
        line.first == " " || line.first == "\t"
    }

    static func isBlank(_ line: String) -> Bool {
        line.allSatisfy(\.isWhitespace)
    }

    /// A line that opens a JSON object or array: `{` or `[` followed by what JSON allows there, so
    /// that "[Note]" or a Markdown link is not taken for JSON.
    static func opensJSON(_ line: String) -> Bool {
        let text = line.drop { $0 == " " || $0 == "\t" }
        guard let first = text.first, first == "{" || first == "[" else { return false }
        guard let next = text.dropFirst().first(where: { $0 != " " && $0 != "\t" }) else { return true }
        return first == "{" ? next == "\"" || next == "}" : "{[\"]-0123456789".contains(next)
    }
}

/// What a single line of an answer looks like, read without parsing: enough to tell a manifest's
/// lines from the prose around them.
enum LineShapes {
    /// The key of a top-level `key:` line. Kubernetes fields are lowerCamelCase, so a capitalised
    /// "Note:" or "Explanation:" is prose, not a key.
    static func topLevelKey(_ line: String) -> Substring? {
        guard let first = line.first, first.isASCII, first.isLowercase,
              let colon = line.firstIndex(of: ":") else { return nil }
        let key = line[..<colon]
        guard key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        let after = line[line.index(after: colon)...]
        return after.isEmpty || after.first == " " || after.first == "\t" ? key : nil
    }

    /// True when a top-level `key:` line leaves its value to the lines below (`containers:`).
    static func opensBlock(_ line: String) -> Bool {
        guard let key = topLevelKey(line) else { return false }
        let value = line.dropFirst(key.count + 1).drop { $0 == " " || $0 == "\t" }
        return value.isEmpty || value.first == "#"
    }

    /// `---` (document start) or `...` (document end), alone or followed by a comment or value.
    static func isDocumentMarker(_ line: String) -> Bool {
        for marker in ["---", "..."] where line.hasPrefix(marker) {
            let rest = line.dropFirst(3)
            if rest.isEmpty || rest.first == " " || rest.first == "\t" { return true }
        }
        return false
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

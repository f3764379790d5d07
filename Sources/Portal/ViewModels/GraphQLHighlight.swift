import Markdown

/// A GraphQL schema as HTML: keywords, comments, strings and type names in `hl-*` spans, every
/// piece of text escaped here. Token by token and shallow, like `SourceHighlight`.
enum GraphQLHighlight {
    static let keywords: Set<String> = [
        "type", "input", "enum", "interface", "union", "scalar", "schema", "directive", "extend", "implements",
        "query", "mutation", "subscription", "fragment", "on", "repeatable",
    ]

    static func html(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(line).joined(separator: "\n")
    }

    private static func line(_ line: Substring) -> String {
        var html = ""
        var rest = line[...]
        while let first = rest.first {
            if first == "#" {
                html += span("hl-comment", rest)
                break
            }
            if first == "\"" {
                let end = rest.dropFirst().firstIndex(of: "\"").map { rest.index(after: $0) } ?? rest.endIndex
                html += span("hl-string", rest[..<end])
                rest = rest[end...]
                continue
            }
            if first.isLetter || first == "_" {
                let end = rest.firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? rest.endIndex
                let word = rest[..<end]
                if keywords.contains(String(word)) {
                    html += span("hl-key", word)
                } else if word.first?.isUppercase == true {
                    html += span("hl-literal", word)
                } else {
                    html += Markdown.escapeHTML(word)
                }
                rest = rest[end...]
                continue
            }
            html += Markdown.escapeHTML(String(first))
            rest = rest.dropFirst()
        }
        return html
    }

    private static func span(_ kind: String, _ text: Substring) -> String {
        "<span class=\"\(kind)\">\(Markdown.escapeHTML(text))</span>"
    }
}

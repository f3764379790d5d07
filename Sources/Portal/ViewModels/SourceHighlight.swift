import Markdown

/// Server-rendered highlighting for the manifests and the pull request's diff: HTML whose every
/// piece of text is escaped here, wrapped in `hl-*` spans the stylesheet colours. Line by line and
/// shallow on purpose — keys, comments, quoted strings, plain literals, diff lines — so that it
/// costs one pass and never needs to parse YAML that may not parse.
enum SourceHighlight {
    /// Multi-document YAML as HTML.
    static func yaml(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { yamlLine(Substring($0)) }.joined(
            separator: "\n")
    }

    /// A unified diff (`git diff`) as HTML: file headers, hunks, added and removed lines, with the
    /// YAML of each line highlighted inside.
    static func diff(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let meta = ["diff --git ", "index ", "--- ", "+++ ", "new file mode ", "deleted file mode "]
            if meta.contains(where: { line.hasPrefix($0) }) { return span("hl-meta", escape(line)) }
            if line.hasPrefix("@@") { return span("hl-hunk", escape(line)) }
            if let first = line.first, first == "+" || first == "-" {
                return span(first == "+" ? "hl-add" : "hl-del", escape(String(first)) + yamlLine(line.dropFirst()))
            }
            return yamlLine(Substring(line))
        }.joined(separator: "\n")
    }

    private static func yamlLine(_ line: Substring) -> String {
        let indent = line.prefix { $0 == " " }
        var rest = line.dropFirst(indent.count)
        if rest.hasPrefix("#") { return escape(indent) + span("hl-comment", escape(rest)) }
        if rest == "---" || rest == "..." { return escape(indent) + span("hl-doc", escape(rest)) }
        var html = escape(indent)
        while rest.hasPrefix("- ") {
            html += span("hl-punct", "-") + " "
            rest = rest.dropFirst(2)
        }
        if let colon = keyEnd(rest) {
            html += span("hl-key", escape(rest[..<colon])) + ":"
            rest = rest[rest.index(after: colon)...]
            let space = rest.prefix { $0 == " " }
            html += escape(space)
            rest = rest.dropFirst(space.count)
        }
        return html + value(rest)
    }

    /// Where a mapping key ends: the first `: ` or a final `:` outside quotes, for a key that
    /// does not start like a quoted or flow value.
    private static func keyEnd(_ text: Substring) -> Substring.Index? {
        guard let first = text.first, !"\"'{[|>&*!".contains(first) else { return nil }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == ":" {
                let next = text.index(after: index)
                if next == text.endIndex || text[next] == " " { return index }
            }
            if text[index] == " ", text[text.index(after: index)...].hasPrefix("#") { return nil }
            index = text.index(after: index)
        }
        return nil
    }

    private static func value(_ text: Substring) -> String {
        guard !text.isEmpty else { return "" }
        // A trailing comment after a plain value.
        if let hash = text.range(of: " #"), !(text.first == "\"" || text.first == "'") {
            return value(text[..<hash.lowerBound]) + span("hl-comment", escape(text[hash.lowerBound...]))
        }
        if text.first == "\"" || text.first == "'" { return span("hl-string", escape(text)) }
        let literals: Set<String> = ["true", "false", "null", "~", "yes", "no", "on", "off"]
        if literals.contains(text.lowercased()) || Double(text) != nil { return span("hl-literal", escape(text)) }
        return escape(text)
    }

    private static func span(_ kind: String, _ html: String) -> String {
        "<span class=\"\(kind)\">\(html)</span>"
    }

    private static func escape(_ text: some StringProtocol) -> String {
        Markdown.escapeHTML(text)
    }
}

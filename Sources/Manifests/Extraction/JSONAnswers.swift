import YAML

/// Answers in JSON: a Kubernetes object, an array of objects, or a wrapper whose field holds the
/// manifest, as schema-constrained chat output gives it (`{"kind": ..., "yaml": "apiVersion: ..."}`).
///
/// JSON is YAML, so objects and arrays go on unchanged; wrappers are opened. Small models also
/// drop or add a bracket (the recorded chat answer closes an object with `]`), so text that does
/// not parse is mended by `BracketRepair` when that makes it parse.
enum JSONAnswers {
    /// True when the part's first line opens a JSON value.
    static func isJSON(_ part: Excerpt) -> Bool {
        part.lines.first { !LineShapes.isBlank($0) }.map(LineShapes.opensJSON) ?? false
    }

    /// The JSON value that opens at line `start`: up to the bracket that closes it (the rest of that
    /// line is dropped), or to the end of the answer when it never closes. Also the next line to read.
    static func value(in answer: Excerpt, from start: Int) -> (value: Excerpt, next: Int) {
        var depth = 0
        var inString = false
        var escaped = false
        for lineIndex in start..<answer.lines.count {
            let line = answer.lines[lineIndex]
            for position in line.indices {
                let character = line[position]
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                    continue
                }
                switch character {
                case "\"": inString = true
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 {
                        let lines = Array(answer.lines[start..<lineIndex]) + [String(line[...position])]
                        return (Excerpt(lines: lines, origins: Array(answer.origins[start...lineIndex])), lineIndex + 1)
                    }
                default: break
                }
            }
        }
        return (answer.slice(start..<answer.lines.count), answer.lines.count)
    }

    /// The manifest a JSON part holds: the part itself (mended if need be), or what its wrapper
    /// carries. Text that does not parse even when mended goes on unchanged, for the checker to report.
    static func resolve(_ part: Excerpt, depth: Int) -> Excerpt {
        let text = part.text
        if let node = parse(text) {
            return unwrapped(node, in: part, depth: depth) ?? part
        }
        if let mended = BracketRepair.mend(text), let node = parse(mended) {
            let mendedPart = part.replacingText(mended)
            return unwrapped(node, in: mendedPart, depth: depth) ?? mendedPart
        }
        return part
    }

    /// A wrapper may itself hold a wrapper; two levels are plenty and keep hostile nesting cheap.
    private static let maxWrapperDepth = 2

    private static func parse(_ text: String) -> YAMLNode? {
        // No aliases: JSON has none, and the checker applies the real limits to what comes out.
        let limits = YAMLLimits(maxAliasExpansion: 0, maxDocuments: 1)
        guard let documents = try? YAML.parseDocuments(text, limits: limits), documents.count == 1 else { return nil }
        return documents[0]
    }

    /// What a wrapper carries: the first field that is a string holding a manifest, an object with
    /// a `kind`, or an array of such objects. Nil for an object with an `apiVersion` (a manifest
    /// itself) and for anything else.
    private static func unwrapped(_ node: YAMLNode, in part: Excerpt, depth: Int) -> Excerpt? {
        guard depth < maxWrapperDepth, let fields = node.mapping, node["apiVersion"] == nil else { return nil }
        for field in fields {
            let origin = part.answerLine(field.value.mark.line)
            if let text = field.value.string {
                let inner = ManifestExtractor.excerpt(of: text, depth: depth + 1)
                if !inner.isEmpty, inner.text.contains("kind") { return inner.attributed(to: origin) }
            } else if holdsObjects(field.value) {
                return Excerpt(text: YAMLWriter.string(field.value), origin: origin)
            }
        }
        return nil
    }

    private static func holdsObjects(_ node: YAMLNode) -> Bool {
        if let items = node.sequence { return !items.isEmpty && items.allSatisfy { $0["kind"] != nil } }
        return node["kind"] != nil
    }
}

/// Markdown code fences (```` ``` ```` or `~~~`), the way chat models wrap code.
///
/// Fences may be indented (models nest them in numbered lists); the body loses that indentation, as
/// in CommonMark. A fence left open (the answer was cut off) runs to the end of the answer.
enum CodeFences {
    /// The bodies of the fenced blocks that may hold manifests: those labelled yaml, yml or json, or
    /// unlabelled. Empty when there is none: then the answer is read as unfenced text, so that a
    /// manifest written outside the fences still counts while a ```` ```bash ```` block does not.
    static func manifestBlocks(in answer: Excerpt) -> [Excerpt] {
        blocks(in: answer).filter { manifestLanguages.contains($0.language) }.map(\.body)
    }

    private static let manifestLanguages: Set<String> = ["", "yaml", "yml", "json", "k8s", "kubernetes"]

    private struct Block {
        var language: String
        var body: Excerpt
    }

    private struct Fence {
        var marker: Character
        var length: Int
        var indent: Int
        var info: Substring
    }

    private static func blocks(in answer: Excerpt) -> [Block] {
        var blocks: [Block] = []
        var index = 0
        while index < answer.lines.count {
            guard let open = fence(answer.lines[index]), open.marker == "~" || !open.info.contains("`") else {
                index += 1
                continue
            }
            var end = index + 1
            while end < answer.lines.count, !closes(answer.lines[end], open) { end += 1 }
            var body = answer.slice((index + 1)..<end)
            if open.indent > 0 {
                body = Excerpt(lines: body.lines.map { dropIndent($0, upTo: open.indent) }, origins: body.origins)
            }
            let language = open.info.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() } ?? ""
            blocks.append(Block(language: language, body: body))
            index = end + 1
        }
        return blocks
    }

    private static func fence(_ line: String) -> Fence? {
        let indent = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(indent)
        guard let marker = rest.first, marker == "`" || marker == "~" else { return nil }
        let length = rest.prefix { $0 == marker }.count
        guard length >= 3 else { return nil }
        return Fence(marker: marker, length: length, indent: indent, info: rest.dropFirst(length).drop { $0 == " " })
    }

    private static func closes(_ line: String, _ open: Fence) -> Bool {
        guard let close = fence(line) else { return false }
        return close.marker == open.marker && close.length >= open.length && close.info.allSatisfy(\.isWhitespace)
    }

    private static func dropIndent(_ line: String, upTo count: Int) -> String {
        String(line.dropFirst(min(count, line.prefix { $0 == " " }.count)))
    }
}

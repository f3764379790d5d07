/// Picks the manifest out of an answer without code fences: models put a sentence or two before
/// it ("Sure! Here's..."), after it ("This YAML defines..."), and sometimes between two objects.
///
/// A YAML part starts at a `---` line, a top-level `key:` line or a `- key:` item (a sequence of
/// objects) and runs while lines still look like YAML (indented, blank, comments, top-level keys,
/// items under a key); the first other line at the left margin is prose and ends it. A JSON part
/// runs from its opening bracket to the one that closes it.
enum ProseFilter {
    static func manifestParts(of answer: Excerpt) -> [Excerpt] {
        var parts: [Excerpt] = []
        var start: Int?
        var items = ItemPlace.none
        var index = 0
        while index < answer.lines.count {
            let line = answer.lines[index]
            if let first = start {
                if continuesYAML(line, items: items) {
                    items = items.next(after: line)
                    index += 1
                    continue
                }
                parts.append(trimmed(answer.slice(first..<index)))
                start = nil
            }
            if LineShapes.opensJSON(line) {
                let (value, next) = JSONAnswers.value(in: answer, from: index)
                parts.append(value)
                index = next
                continue
            }
            if LineShapes.startsYAML(line) {
                start = index
                items = ItemPlace.none.next(after: line)
            }
            index += 1
        }
        if let first = start { parts.append(trimmed(answer.slice(first..<answer.lines.count))) }
        return parts.filter { !$0.isEmpty }
    }

    private static func continuesYAML(_ line: String, items: ItemPlace) -> Bool {
        if LineShapes.isBlank(line) || LineShapes.isIndented(line) || line.hasPrefix("#") { return true }
        if LineShapes.isDocumentMarker(line) || LineShapes.topLevelKey(line) != nil { return true }
        return items != .none && LineShapes.isItem(line)
    }

    /// Whether a `- item` at the left margin may come next: right under `key:`, or after another
    /// item and its indented lines. After `spec:` and its indented block, a dash starts a prose bullet.
    private enum ItemPlace {
        case none, underKey, inItem

        func next(after line: String) -> ItemPlace {
            if LineShapes.isBlank(line) || line.hasPrefix("#") { return self }
            if LineShapes.isIndented(line) { return self == .inItem ? .inItem : .none }
            if LineShapes.opensBlock(line) { return .underKey }
            return LineShapes.isItem(line) ? .inItem : .none
        }
    }

    /// The part without its trailing blank and comment lines (often a Markdown heading such as
    /// "## Explanation" that came before the prose).
    private static func trimmed(_ part: Excerpt) -> Excerpt {
        var end = part.lines.count
        while end > 0, LineShapes.isBlank(part.lines[end - 1]) || part.lines[end - 1].hasPrefix("#") { end -= 1 }
        return part.slice(0..<end)
    }
}

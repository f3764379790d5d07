/// Starts a new document where a model forgot the `---` between two objects. A second top-level
/// `apiVersion:` or `kind:` in one document would be a duplicate key; it begins the next object.
enum DocumentSeparators {
    static func separated(_ part: Excerpt) -> Excerpt {
        var result = Excerpt(lines: [], origins: [])
        var seen: Set<Substring> = []
        for (line, origin) in zip(part.lines, part.origins) {
            if LineShapes.isDocumentMarker(line) {
                seen = []
            } else if let key = LineShapes.topLevelKey(line), key == "apiVersion" || key == "kind" {
                if seen.contains(key) {
                    result.append("---", origin: origin)
                    seen = []
                }
                seen.insert(key)
            }
            result.append(line, origin: origin)
        }
        return result
    }
}

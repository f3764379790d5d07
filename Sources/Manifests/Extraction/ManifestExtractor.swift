/// Turns a model's raw answer into the YAML text of its manifests.
///
/// Models wrap YAML in code fences, surround it with prose, forget `---` between objects, or
/// answer in JSON; see `CodeFences`, `ProseFilter`, `DocumentSeparators` and `JSONAnswers`.
/// Extraction never fails: it returns its best reading, and `ManifestChecker` reports what does
/// not parse.
public enum ManifestExtractor {
    /// The manifests of `output` as a YAML stream: fenced blocks (or, without fences, the YAML and
    /// JSON between the prose) as separate documents. Empty when nothing looks like a manifest.
    /// A JSON array or a `kind: List` stays one document; `ManifestChecker` splits it into objects.
    public static func extract(_ output: String) -> String {
        excerpt(of: output).text
    }

    /// The extracted text with, for each line, the line of `output` it came from. `depth` counts
    /// the JSON wrappers already opened.
    static func excerpt(of output: String, depth: Int = 0) -> Excerpt {
        let answer = Excerpt(answer: output)
        let fenced = CodeFences.manifestBlocks(in: answer)
        let parts = fenced.isEmpty ? ProseFilter.manifestParts(of: answer) : fenced
        return Excerpt.documents(
            parts.map { part in
                JSONAnswers.isJSON(part) ? JSONAnswers.resolve(part, depth: depth) : DocumentSeparators.separated(part)
            })
    }
}

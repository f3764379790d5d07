/// One shared copy of each scalar string a series of parses meets again.
///
/// A Swift string longer than 15 bytes is a heap block of its own. Across a catalog's files the
/// same values come back in every entity (`backstage.io/v1alpha1`, annotation keys, owners,
/// systems, link titles) and within a file the name comes back in its annotations; the interner
/// hands the first copy out again. Not thread-safe: one per thread, for a chunk of files.
public final class YAMLInterner {
    private var seen: Set<String> = []

    public init() {}

    /// `text`, or the equal string met before. Strings short enough to live inline in a `String`
    /// cost nothing to copy and are left alone; long ones (descriptions, URLs) rarely repeat and
    /// would only cost a hash.
    func intern(_ text: String) -> String {
        guard (16...64).contains(text.utf8.count) else { return text }
        return seen.insert(text).memberAfterInsert
    }
}

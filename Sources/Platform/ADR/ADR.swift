/// One Architecture Decision Record, parsed and rendered once at load.
public struct ADR: Sendable {
    /// The file name without `.md`; the page is `/adr/{id}`.
    public var id: String
    /// The number the file name starts with (`007-observability` → 7).
    public var number: Int?
    /// The title as plain text (for the window title and search), and as inline HTML (`code` spans
    /// rendered) for headings and lists.
    public var title: String
    public var titleHTML: String
    public var status: ADRStatus
    /// The decision date as written (`2024-03-05`).
    public var date: String?
    public var deciders: String?
    /// IDs of the records this one supersedes, and of those that supersede it.
    public var supersedes: [String]
    public var supersededBy: [String]
    /// The body rendered by cmark-gfm in safe mode, links to other records pointing at portal pages.
    public var html: String
    /// The body's words without markup, from the same parse, for search.
    public var text: String
    public var file: String
}

/// An ADR's status, normalised from the words people write ("Accepted", "superseded by ADR-0006").
public struct ADRStatus: Sendable, Hashable {
    /// As written, for display.
    public var text: String
    public var kind: Kind

    public enum Kind: String, Sendable {
        case proposed, accepted, rejected, deprecated, superseded, unknown
    }

    init(text: String) {
        self.text = text
        let first = text.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        self.kind = Kind(rawValue: first) ?? (first == "draft" ? .proposed : .unknown)
    }
}

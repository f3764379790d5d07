/// Something search can find: an entity, an ADR or a service link, with its weighted texts.
public struct SearchDocument: Sendable {
    /// `component`, `api`... for entities; `adr`; `service`.
    public var kind: String
    public var title: String
    /// Where the result leads: a portal page, or a service's own URL.
    public var href: String
    /// A short line under the title (a ref, an ADR's status, a service group).
    public var detail: String
    /// Texts searched. The snippet comes from the first quotable field that matches, or else
    /// the beginning of the first quotable one.
    public var fields: [Field]

    public struct Field: Sendable {
        public var text: String
        /// How much a match here counts next to other fields: a whole number, so that an
        /// index entry packs it with its document in 4 bytes.
        public var weight: UInt8
        /// False for names, shown in the title already.
        public var isQuotable: Bool

        public init(_ text: String, weight: UInt8, isQuotable: Bool = true) {
            self.text = text
            self.weight = weight
            self.isQuotable = isQuotable
        }
    }

    public init(kind: String, title: String, href: String, detail: String, fields: [Field]) {
        self.kind = kind
        self.title = title
        self.href = href
        self.detail = detail
        self.fields = fields
    }
}

/// One ranked answer.
public struct SearchHit: Sendable {
    public var document: SearchDocument
    public var score: Float
    public var title: [TextPart]
    /// A short piece of the best matching text with the matches marked.
    public var snippet: [TextPart]
}

/// A run of text, marked when it is what the query matched. Plain text: escaping is the page's job.
public struct TextPart: Sendable, Equatable {
    public var text: String
    public var isMatch: Bool

    public init(_ text: String, isMatch: Bool) {
        self.text = text
        self.isMatch = isMatch
    }
}

/// What a query found: the best hits of the requested kind, and how many hits each kind has.
public struct SearchResults: Sendable {
    public var hits: [SearchHit]
    /// Hits of the requested kind (or of every kind), over all pages.
    public var total: Int
    /// Hits per kind, whatever kind was requested, sorted by kind.
    public var kindCounts: [(kind: String, count: Int)]

    /// Adds the results of another index for the same query, keeping the best `limit` hits.
    public mutating func merge(_ other: SearchResults, limit: Int) {
        hits = (hits + other.hits).sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.document.title < $1.document.title
        }
        hits = Array(hits.prefix(limit))
        total += other.total
        kindCounts = (kindCounts + other.kindCounts).sorted { $0.kind < $1.kind }
    }
}

/// An in-memory inverted index over the snapshot's documents, built once per snapshot.
///
/// Words are lowercased runs of letters and digits. Every query word must match (AND); a query
/// word matches an indexed word it equals or begins ("pay" finds "payments"), a whole word
/// scoring more than a partial one. A document's score adds, per query word, the weight of the
/// best field it matched in.
public struct SearchIndex: Sendable {
    /// The documents, made again when a query shows them rather than kept: at 10,000 components
    /// a kept copy of every entity's texts was 9 MiB, and a query shows at most `limit` of them.
    private let document: @Sendable (Int) -> SearchDocument
    /// Each document's kind and title, which a query needs for every match (to count and order).
    private let kinds: [String]
    private let titles: [String]
    /// Distinct indexed words as UTF-8, sorted bytewise, so that a prefix is a contiguous range.
    private let terms: PackedLists<UInt8>
    /// For each term, the documents holding it with the best field weight there, by document.
    private let postings: PackedLists<Posting>

    /// A document (the high 24 bits) and its weight for the term (the low 8), packed: at 10,000
    /// components the index holds half a million of them.
    private struct Posting: Sendable {
        let packed: UInt32

        init(document: Int, weight: UInt8) {
            packed = UInt32(document) << 8 | UInt32(weight)
        }

        var document: Int { Int(packed >> 8) }
        var weight: Float { Float(packed & 0xFF) }
    }

    /// How much a partial-word match counts next to a whole-word one.
    static let partialFactor: Float = 0.5

    public init(documents: [SearchDocument]) {
        self.init(count: documents.count) { documents[$0] }
    }

    /// An index of `count` documents, `document(i)` making the i-th: called once per document
    /// here, and again for each hit a query returns.
    init(count: Int, document: @escaping @Sendable (Int) -> SearchDocument) {
        precondition(count < 1 << 24, "a search index holds fewer than 16,777,216 documents")
        self.document = document
        // Each document's distinct words with their best field weight, packed: as one array per
        // word, the build held some 400,000 small heap blocks at once, and the process kept their
        // 30 MiB after they were freed. One document after the other: the index is built in the
        // background (`Deferred`), on one core, while the server answers on the others.
        let made = (0..<count).map { index in
            let document = document(index)
            return (kind: document.kind, title: document.title, words: DocumentWords(document))
        }
        kinds = made.map(\.kind)
        titles = made.map(\.title)
        let words = made.map(\.words)
        // Every distinct word gets a number in the order first seen, and every (word, document)
        // pair an entry, in document order.
        var numbers: [ArraySlice<UInt8>: Int32] = [:]
        var distinct: [ArraySlice<UInt8>] = []
        var entries: [(term: Int32, posting: Posting)] = []
        entries.reserveCapacity(words.reduce(0) { $0 + $1.weights.count })
        for (position, document) in words.enumerated() {
            for (index, weight) in document.weights.enumerated() {
                let word = document.words[index]
                let number = numbers[word] ?? Int32(distinct.count)
                if number == distinct.count {
                    numbers[word] = number
                    distinct.append(word)
                }
                entries.append((number, Posting(document: position, weight: weight)))
            }
        }
        numbers = [:]
        // Terms sorted bytewise; each term's postings placed by a counting sort, which keeps
        // them in document order.
        let order = distinct.indices.sorted { distinct[$0].lexicographicallyPrecedes(distinct[$1]) }
        var rank = [Int32](repeating: 0, count: distinct.count)
        var terms = PackedLists<UInt8>()
        for (position, number) in order.enumerated() {
            rank[number] = Int32(position)
            terms.append(distinct[number])
        }
        var starts = [Int32](repeating: 0, count: distinct.count + 1)
        for entry in entries { starts[Int(rank[Int(entry.term)]) + 1] += 1 }
        for position in starts.indices.dropFirst() { starts[position] += starts[position - 1] }
        var next = starts
        var placed = [Posting](repeating: Posting(document: 0, weight: 0), count: entries.count)
        for entry in entries {
            let position = Int(rank[Int(entry.term)])
            placed[Int(next[position])] = entry.posting
            next[position] += 1
        }
        self.terms = terms
        self.postings = PackedLists(elements: placed, starts: starts)
    }

    /// The words search looks for in `text`, as it splits them.
    public static func words(in text: String) -> [String] {
        Tokenizer.words(in: text).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The hits for `query`, best first; `kind` keeps one kind; `limit` caps the hits returned.
    public func search(_ query: String, kind: String? = nil, limit: Int = 50) -> SearchResults {
        let words = Tokenizer.words(in: query)
        guard !words.isEmpty, !kinds.isEmpty else { return SearchResults(hits: [], total: 0, kindCounts: []) }

        var total = [Float](repeating: 0, count: kinds.count)
        var best = [Float](repeating: 0, count: kinds.count)
        for (number, word) in words.enumerated() {
            for index in best.indices { best[index] = 0 }
            for term in termRange(withPrefix: word) {
                let factor: Float = terms[term].count == word.count ? 1 : Self.partialFactor
                for posting in postings[term] {
                    let index = posting.document
                    best[index] = max(best[index], posting.weight * factor)
                }
            }
            for index in total.indices where number == 0 || total[index] > 0 {
                total[index] = best[index] > 0 ? total[index] + best[index] : 0
            }
        }

        var counts: [String: Int] = [:]
        var matched: [Int] = []
        for index in total.indices where total[index] > 0 {
            let documentKind = kinds[index]
            counts[documentKind, default: 0] += 1
            if kind == nil || documentKind == kind { matched.append(index) }
        }
        matched.sort { total[$0] != total[$1] ? total[$0] > total[$1] : titles[$0] < titles[$1] }
        let hits = matched.prefix(limit).map { index in
            let document = document(index)
            let quotable = document.fields.filter(\.isQuotable).map(\.text)
            let snippet =
                quotable.lazy.compactMap { Snippet.parts(of: $0, matching: words) }.first
                ?? quotable.first.map { Snippet.parts(of: $0, matching: []) ?? [] } ?? []
            return SearchHit(
                document: document, score: total[index],
                title: Snippet.highlight(document.title, matching: words), snippet: snippet)
        }
        return SearchResults(
            hits: hits, total: matched.count,
            kindCounts: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Terms that start with `prefix`: a binary search for the first, then the run after it.
    private func termRange(withPrefix prefix: [UInt8]) -> Range<Int> {
        var low = 0
        var high = terms.count
        while low < high {
            let middle = (low + high) / 2
            if terms[middle].lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < terms.count, terms[end].starts(with: prefix) { end += 1 }
        return low..<end
    }
}

/// One document's distinct words, each with the best weight among the fields it is in.
private struct DocumentWords: Sendable {
    var words = PackedLists<UInt8>()
    var weights: [UInt8] = []

    init(_ document: SearchDocument) {
        var positions: [[UInt8]: Int] = [:]
        for field in document.fields {
            Tokenizer.forEachWord(in: field.text) { word, _ in
                let word = Array(word)
                if let position = positions[word] {
                    weights[position] = max(weights[position], field.weight)
                } else {
                    positions[word] = weights.count
                    words.append(word)
                    weights.append(field.weight)
                }
            }
        }
    }
}

/// Splits text into lowercased words: runs of ASCII letters and digits, and of non-ASCII characters.
enum Tokenizer {
    static let maxWordLength = 64

    static func words(in text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        forEachWord(in: text) { word, _ in words.append(Array(word)) }
        return words
    }

    /// Calls `body` with each word (lowercased) and its byte range in `text.utf8`.
    static func forEachWord(in text: String, _ body: (ArraySlice<UInt8>, Range<Int>) -> Void) {
        var word: [UInt8] = []
        var start = 0
        var offset = 0
        func flush() {
            if !word.isEmpty, word.count <= maxWordLength { body(word[...], start..<offset) }
            word.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...:
                if word.isEmpty { start = offset }
                word.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if word.isEmpty { start = offset }
                word.append(byte + 32)
            default:
                flush()
            }
            offset += 1
        }
        flush()
    }
}

/// Marks query words in text, and cuts a short window around the first match.
enum Snippet {
    /// Bytes of context kept before the first match and in all.
    static let lead = 60
    static let length = 220

    /// `text` split into parts with each word that begins with a query word marked (the matching
    /// beginning only).
    static func highlight(_ text: String, matching words: [[UInt8]]) -> [TextPart] {
        let bytes = Array(text.utf8)
        return parts(bytes, window: 0..<bytes.count, marks: marks(in: text, matching: words))
    }

    /// A window of `text` around its first match, or nil when nothing in it matches; with no
    /// words, the beginning of `text`.
    static func parts(of text: String, matching words: [[UInt8]]) -> [TextPart]? {
        let marks = marks(in: text, matching: words)
        guard let first = marks.first ?? (words.isEmpty ? 0..<0 : nil) else { return nil }
        let bytes = Array(text.utf8)
        // Cut at spaces, which are always character boundaries.
        var start = max(0, first.lowerBound - lead)
        if start > 0 {
            start = bytes[start..<first.lowerBound].firstIndex(of: UInt8(ascii: " ")).map { $0 + 1 } ?? first.lowerBound
        }
        var end = min(bytes.count, start + length)
        if end < bytes.count {
            if let space = bytes[first.upperBound..<end].lastIndex(of: UInt8(ascii: " ")) {
                end = space
            } else {
                // No space: step back to the start of a UTF-8 character.
                while end > first.upperBound, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            }
        }
        var result = parts(bytes, window: start..<end, marks: marks.filter { $0.upperBound <= end })
        if start > 0 { result.insert(TextPart("…", isMatch: false), at: 0) }
        if end < bytes.count { result.append(TextPart("…", isMatch: false)) }
        return result
    }

    private static func marks(in text: String, matching words: [[UInt8]]) -> [Range<Int>] {
        var marks: [Range<Int>] = []
        Tokenizer.forEachWord(in: text) { word, range in
            let longest = words.filter { word.starts(with: $0) }.map(\.count).max()
            if let longest { marks.append(range.lowerBound..<range.lowerBound + longest) }
        }
        return marks
    }

    private static func parts(_ bytes: [UInt8], window: Range<Int>, marks: [Range<Int>]) -> [TextPart] {
        var result: [TextPart] = []
        var cursor = window.lowerBound
        func add(_ range: Range<Int>, isMatch: Bool) {
            guard !range.isEmpty else { return }
            let text = String(decoding: bytes[range], as: UTF8.self)
                .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
            result.append(TextPart(text, isMatch: isMatch))
        }
        for mark in marks where mark.lowerBound >= cursor {
            add(cursor..<mark.lowerBound, isMatch: false)
            add(mark, isMatch: true)
            cursor = mark.upperBound
        }
        add(cursor..<window.upperBound, isMatch: false)
        return result
    }
}

extension Deferred where Value == SearchIndex {
    /// `SearchIndex.search` on the index, once built.
    public func search(_ query: String, kind: String? = nil, limit: Int = 50) async -> SearchResults {
        await value.search(query, kind: kind, limit: limit)
    }
}

import Testing

@testable import Platform

@Suite("Search index: ranking, partial words, tags, kinds, snippets")
struct SearchIndexTests {
    static let index = SearchIndex(documents: [
        document("component", "payments-api", description: "Takes card payments for the shop.", tags: "pci rest"),
        document(
            "component", "ledger-worker", description: "Books every payment into the ledger; talks to payments-api.",
            tags: "batch"),
        document("component", "billing-ui", description: "Shows invoices.", tags: "payments frontend"),
        document(
            "adr", "Use Kafka for payment events", description: "We choose Kafka over RabbitMQ because replay matters."),
        document("service", "Grafana", description: "Dashboards for every service.", tags: ""),
    ])

    static func document(_ kind: String, _ title: String, description: String, tags: String = "") -> SearchDocument {
        SearchDocument(
            kind: kind, title: title, href: "/\(title)", detail: kind,
            fields: [
                .init(title, weight: 10, isQuotable: false), .init(tags, weight: 6, isQuotable: false),
                .init(description, weight: 3),
            ])
    }

    @Test("a match in the name ranks above a tag, and a tag above running text")
    func ranking() {
        let titles = Self.index.search("payments").hits.map(\.document.title)
        #expect(titles == ["payments-api", "billing-ui", "ledger-worker"])
    }

    @Test("a whole word ranks above the beginning of a longer one")
    func wholeWordFirst() {
        // "payment" is a whole word in the ADR's title, only the start of "payments" in the others' names.
        let titles = Self.index.search("payment").hits.map(\.document.title)
        #expect(titles.first == "Use Kafka for payment events")
        #expect(Set(titles) == ["Use Kafka for payment events", "payments-api", "ledger-worker", "billing-ui"])
    }

    @Test(
        "every word must match; case and punctuation do not matter",
        arguments: [
            ("PAYMENTS, ledger!", ["ledger-worker"]),
            ("kafka replay", ["Use Kafka for payment events"]),
            ("kafka invoices", []),
            ("   ", []),
        ])
    func allWords(_ query: String, _ expected: [String]) {
        #expect(Self.index.search(query).hits.map(\.document.title) == expected)
    }

    @Test(
        "the beginning of a word finds it, and so does a tag",
        arguments: [
            ("pay", 4), ("invo", 1), ("pci", 1), ("fronten", 1), ("ments", 0),
        ])
    func partialWordsAndTags(_ query: String, _ count: Int) {
        #expect(Self.index.search(query).total == count)
    }

    @Test("a kind keeps only its hits; the counts cover every kind")
    func kindFilter() {
        let results = Self.index.search("pay", kind: "adr")
        #expect(results.hits.map(\.document.kind) == ["adr"])
        #expect(results.total == 1)
        #expect(results.kindCounts.map(\.kind) == ["adr", "component"])
        #expect(results.kindCounts.map(\.count) == [1, 3])
    }

    @Test("titles and snippets mark the matching beginning of each word")
    func marks() throws {
        let hit = try #require(Self.index.search("ledg pay").hits.first)
        #expect(hit.title == [TextPart("ledg", isMatch: true), TextPart("er-worker", isMatch: false)])
        #expect(
            hit.snippet == [
                TextPart("Books every ", isMatch: false), TextPart("pay", isMatch: true),
                TextPart("ment into the ", isMatch: false),
                TextPart("ledg", isMatch: true), TextPart("er; talks to ", isMatch: false),
                TextPart("pay", isMatch: true),
                TextPart("ments-api.", isMatch: false),
            ])
    }

    @Test("a long text is cut around the first match, at spaces, with ellipses")
    func window() throws {
        let text =
            String(repeating: "lorem ipsum dolor ", count: 20) + "needle é " + String(repeating: "sit amet ", count: 40)
        let parts = try #require(Snippet.parts(of: text, matching: [Array("needle".utf8)]))
        #expect(parts.first == TextPart("…", isMatch: false))
        #expect(parts.last == TextPart("…", isMatch: false))
        #expect(parts.contains(TextPart("needle", isMatch: true)))
        let joined = parts.map(\.text).joined()
        #expect(joined.count < 240)
        #expect(joined.contains(" é "))
        #expect(!joined.contains("\u{FFFD}"))
    }

    @Test("markup in a text stays text: escaping is the page's job")
    func markupIsText() throws {
        let index = SearchIndex(documents: [
            Self.document("component", "x", description: "<script>alert(1)</script> evil & co")
        ])
        let hit = try #require(index.search("evil").hits.first)
        #expect(hit.snippet.map(\.text).joined() == "<script>alert(1)</script> evil & co")
        #expect(hit.snippet.contains(TextPart("evil", isMatch: true)))
    }

    @Test("the snapshot's index covers entities by owner, ADR text and service links")
    func snapshotIndex() async throws {
        let snapshot = try loadPlatform(repositoryRoot + "/examples/homelab")
        let index = await snapshot.search.value
        #expect(index.search("platform-team", kind: "component").total > 5)
        #expect(index.search("multicast", kind: "adr").hits.first?.document.href == "/adr/003-private-ca")
        #expect(index.search("alertmanager.homelab", kind: "service").hits.first?.document.title == "Alertmanager")
    }
}

import Testing

@testable import Platform

@Suite("Architecture decision records")
struct ADRTests {
    @Test("MADR front matter gives status, date and deciders")
    func madr() throws {
        let header = try ADRParser.parse(
            """
            ---
            status: proposed
            date: 2024-05-01
            deciders: platform-team
            ---
            # Use Loki for logs

            ## Context and Problem Statement
            """)
        #expect(header.title == "Use Loki for logs")
        #expect(header.status == "proposed")
        #expect(header.date == "2024-05-01")
        #expect(header.deciders == "platform-team")
        #expect(!header.body.contains("# Use Loki"), "the title is shown by the page, not repeated in the body")
    }

    @Test("Nygard style gives status from its section and date from its line")
    func nygard() throws {
        let header = try ADRParser.parse(
            """
            # 4. Self-host Gitea

            Date: 2024-03-20

            ## Status

            Superseded by [6. Use GitHub Actions](006-github-actions.md)

            ## Context
            """)
        #expect(header.title == "Self-host Gitea")
        #expect(header.status == "Superseded by [6. Use GitHub Actions](006-github-actions.md)")
        #expect(ADRStatus(text: header.status!).kind == .superseded)
        #expect(header.date == "2024-03-20")
        #expect(header.supersededBy == ["006-github-actions.md"])
    }

    @Test("MADR 2 bullet fields")
    func madrBullets() throws {
        let header = try ADRParser.parse(
            """
            # Use k3s

            * Status: accepted
            * Deciders: Alex
            * Date: 2024-02-01

            Supersedes ADR-0002
            """)
        #expect(header.status == "accepted")
        #expect(header.deciders == "Alex")
        #expect(header.date == "2024-02-01")
        #expect(header.supersedes == ["0002"])
    }

    @Test(
        "numbering is stripped from titles",
        arguments: [
            ("3. Use a private CA", "Use a private CA"),
            ("ADR-0003: Use a private CA", "Use a private CA"),
            ("0003 - Use a private CA", "Use a private CA"),
            ("Use a private CA", "Use a private CA"),
            ("2024 plans", "plans"),
            ("42", "42"),
        ])
    func numbering(_ title: String, _ expected: String) {
        #expect(ADRParser.stripNumbering(title) == expected)
    }

    @Test(
        "a Status heading is two or three hashes, a space, then Status in any case",
        arguments: [
            ("## Status", true), ("### status  ", true), ("##\tSTATUS", true), ("##   Status\r", true),
            ("##Status", false), ("# Status", false), ("#### Status", false), ("## Status of the rollout", false),
            ("## Statuses", false), ("##", false),
        ])
    func statusHeadings(_ line: String, _ isHeading: Bool) {
        #expect(ADRParser.isStatusHeading(line) == isHeading)
    }

    @Test(
        "a supersession line names its records by Markdown link, else by number",
        arguments: [
            (
                "[ADR-1](001-use-k3s.md) and [two](002-gitops.md)", ["001-use-k3s.md", "002-gitops.md"],
                ["1", "001", "3", "002"]
            ),
            ("[a link](has space.md)", [], []),
            ("[empty]() then ADR-7, ADR 12 and 0007", [], ["7", "12", "0007"]),
            ("[nested]((a))", ["(a"], []),
            ("ADR-٣ in Arabic-Indic digits", [], ["٣"]),
        ])
    func supersessionReferences(_ line: String, _ links: [String], _ numbers: [String]) {
        #expect(ADRParser.linkTargets(in: line) == links)
        #expect(ADRParser.numbers(in: line) == numbers)
    }

    @Test("records without a title or with broken front matter are reported with a line")
    func failures() {
        #expect(throws: ADRParser.Failure.self) { try ADRParser.parse("no heading here") }
        #expect {
            try ADRParser.parse("---\nstatus: [oops\n---\n# T")
        } throws: { error in
            (error as? ADRParser.Failure)?.line == 3
                && (error as? ADRParser.Failure)?.reason.hasPrefix("front matter:") == true
        }
        #expect(throws: ADRParser.Failure.self) { try ADRParser.parse("---\nstatus: x\n# never closed") }
    }

    @Test("the folder: numbered files only, links rewritten, supersession both ways, errors listed")
    func folder() throws {
        let root = try temporaryPlatform([
            "docs/adr/README.md": "# Index, not a record",
            "docs/adr/template.md": "# Template",
            "docs/adr/0001-first.md":
                "# 1. First\n\n## Status\n\nAccepted\n\nSee [the second](0002-second.md#context) and [web](https://example.com).",
            "docs/adr/0002-second.md": "---\nstatus: accepted\nsupersedes: 0001-first\n---\n# Second\n\n## Context\nx",
            "docs/adr/0003-broken.md": "---\nstatus: [x\n---\n# Broken",
            "docs/adr/0004-dangling.md": "# Dangling\n\nSuperseded by [nine](0009-missing.md)",
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.adrs.map(\.id) == ["0001-first", "0002-second", "0004-dangling"])
        let first = try #require(snapshot.adr(id: "0001-first"))
        #expect(first.supersededBy == ["0002-second"], "declared only on the newer record")
        #expect(first.html.contains(#"<a href="/adr/0002-second#context">the second</a>"#))
        #expect(first.html.contains(#"<a href="https://example.com">web</a>"#))
        #expect(
            snapshot.problems.map(\.file).filter { $0.hasPrefix("docs/") } == [
                "docs/adr/0003-broken.md", "docs/adr/0004-dangling.md",
            ])
    }
}

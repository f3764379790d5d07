import Testing

@testable import Provisioning

@Suite("User text in a pull request body")
struct InertMarkdownTests {
    @Test(
        "mentions, references and closing keywords are broken by an invisible space",
        arguments: [
            ("@org/team", "@\u{200B}org/team"), ("fixes #1", "f\u{200B}ixes #\u{200B}1"),
            ("Closes o/r#2", "C\u{200B}loses o/r#\u{200B}2"), ("GH-3", "GH-\u{200B}3"), ("!5", "!\u{200B}5"),
            ("reopened", "r\u{200B}eopened"), ("prefix fixture #a", "prefix fixture #a"),
        ])
    func defused(input: String, expected: String) {
        #expect(InertMarkdown.defused(input) == expected)
    }

    @Test("a code block's fence is longer than any backtick run inside")
    func fence() {
        let block = InertMarkdown.codeBlock("a ``````` b")
        #expect(block.hasPrefix("````````text\n") && block.hasSuffix("\n````````"))
        #expect(InertMarkdown.codeBlock("plain") == "```text\nplain\n```")
    }

    @Test("a code span in a table keeps its pipes inside the cell")
    func span() {
        #expect(InertMarkdown.codeSpan("a|b`c", inTable: true) == "``a\\|b`c``")
        #expect(InertMarkdown.prose("<b>*x*</b>") == #"\<b\>\*x\*\<\/b\>"#)
    }
}

import Foundation

/// Markdown that shows user text (a prompt, feedback, a user name, a model's words in a finding)
/// as it was written, and lets none of it act on the forge that renders it.
///
/// GitHub and Gitea act on words in a pull request body: `@name` and `@org/team` notify people,
/// `fixes #1` (and every closing or reopening keyword, with `#1`, `owner/repo#1`, `GH-1` or an
/// issue URL) closes or reopens issues when the pull request merges, `#1` and `!1` write
/// "referenced" entries on other issues, and HTML such as `<details>` can hide the rest of the
/// body. So user text goes into a code block or span, whose fence is longer than any backtick run
/// in the text (it cannot be closed from inside), and, because a forge's reference finder may not
/// skip code, every such word is broken by an invisible zero-width space as well.
enum InertMarkdown {
    static let zeroWidthSpace = "\u{200B}"

    /// A fenced code block holding `text` whole.
    static func codeBlock(_ text: String) -> String {
        let body = defused(oneKindOfNewline(text))
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: body) + 1))
        return "\(fence)text\n\(body)\n\(fence)"
    }

    /// An inline code span on one line; in a table cell, pipes are escaped as GFM tables require.
    static func codeSpan(_ text: String, inTable: Bool = false) -> String {
        var body = defused(oneLine(text))
        if inTable {
            body = body.replacingOccurrences(of: "|", with: "\\|")
        }
        let fence = String(repeating: "`", count: longestBacktickRun(in: body) + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// Prose on one line, every Markdown and HTML punctuation mark escaped.
    static func prose(_ text: String) -> String {
        var escaped = ""
        for character in defused(oneLine(text)) {
            if character.isASCII, character.isPunctuation || character.isSymbol {
                escaped.append("\\")
            }
            escaped.append(character)
        }
        return escaped
    }

    /// `text` with a zero-width space inside every mention, issue reference and closing or
    /// reopening keyword; it reads the same, and no forge matches it any more.
    static func defused(_ text: String) -> String {
        let space = zeroWidthSpace
        // GitHub's closing keywords (close, fix, resolve and their forms) and Gitea's, which adds reopen.
        let keyword = #/(?i)\b[cfr](?=(?:lose[sd]?|ix(?:e[sd])?|esolve[sd]?|eopen(?:s|ed)?)\b)/#
        // Mentions of users and teams (`@alex`, `@org/team`).
        let mention = #/@(?=[A-Za-z0-9_-])/#
        // `#1`, `owner/repo#1`, and `!1` (Gitea's pull requests).
        let reference = #/[#!](?=[0-9])/#
        // GitHub's `GH-1`.
        let ghReference = #/(?i)\bGH-(?=[0-9])/#
        return
            text
            .replacing(keyword) { $0.output + space }
            .replacing(mention) { $0.output + space }
            .replacing(reference) { $0.output + space }
            .replacing(ghReference) { $0.output + space }
    }

    static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    private static func oneKindOfNewline(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    private static func oneLine(_ text: String) -> String {
        oneKindOfNewline(text).replacingOccurrences(of: "\n", with: " ")
    }
}

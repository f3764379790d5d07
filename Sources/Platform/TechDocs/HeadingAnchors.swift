import Foundation

/// Gives the headings of cmark-gfm's HTML an `id` each and lists them, for links to a section and
/// a page's outline. Safe mode drops raw HTML, so every `<hN>` in the input is cmark-gfm's own.
enum HeadingAnchors {
    /// `html` with `id`s on its headings, and the headings in order. Ids are GitHub-style slugs
    /// (`Set up TLS` → `set-up-tls`), numbered when repeated (`notes`, `notes-1`).
    static func add(to html: String) -> (html: String, headings: [Heading]) {
        var result = ""
        result.reserveCapacity(html.utf8.count + 64)
        var headings: [Heading] = []
        var used: [String: Int] = [:]
        var rest = Substring(html)
        while let open = rest.firstRange(of: "<h") {
            let afterOpen = rest[open.upperBound...]
            guard let levelCharacter = afterOpen.first, let level = levelCharacter.wholeNumberValue,
                (1...6).contains(level),
                afterOpen.dropFirst().first == ">",
                let close = afterOpen.firstRange(of: "</h\(level)>")
            else {
                result += rest[..<open.upperBound]
                rest = afterOpen
                continue
            }
            let inner = afterOpen[afterOpen.index(afterOpen.startIndex, offsetBy: 2)..<close.lowerBound]
            let text = unescape(stripTags(inner))
            var id = slug(text)
            if id.isEmpty { id = "section" }
            if let count = used[id] {
                used[id] = count + 1
                id += "-\(count)"
            } else {
                used[id] = 1
            }
            headings.append(Heading(level: level, text: text, id: id))
            result += rest[..<open.lowerBound]
            result += "<h\(level) id=\"\(id)\">"
            result += inner
            result += "</h\(level)>"
            rest = afterOpen[close.upperBound...]
        }
        result += rest
        return (result, headings)
    }

    /// Lowercased letters and digits, spaces as `-`, the rest dropped.
    static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                slug.append(character)
            } else if character == " ", slug.last != "-" {
                slug.append("-")
            }
        }
        return slug.trimmingEnds { $0 == "-" }
    }

    private static func stripTags(_ html: Substring) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                text.append(character)
            }
        }
        return text
    }

    /// The entities cmark-gfm writes in text (`&amp; &lt; &gt; &quot;`), read back.
    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return
            text
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

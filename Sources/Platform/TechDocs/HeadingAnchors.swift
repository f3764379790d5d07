import Foundation

/// Gives the headings of cmark-gfm's HTML an `id` each and lists them, for links to a section and
/// a page's outline. Safe mode drops raw HTML, so every `<hN>` in the input is cmark-gfm's own.
enum HeadingAnchors {
    /// `html` with `id`s on its headings, and the headings in order. Ids are GitHub-style slugs
    /// (`Set up TLS` → `set-up-tls`), numbered when repeated (`notes`, `notes-1`).
    static func add(to html: String) -> (html: String, headings: [Heading]) {
        // On the UTF-8 bytes: every rendered page passes here at load, and the tags are ASCII.
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 64)
        var headings: [Heading] = []
        var used: [String: Int] = [:]
        var copied = 0
        var cursor = 0
        while let open = find(Array("<h".utf8), in: bytes, from: cursor) {
            let levelAt = open + 2
            cursor = levelAt
            guard levelAt + 1 < bytes.count, (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[levelAt]),
                bytes[levelAt + 1] == UInt8(ascii: ">")
            else { continue }
            let level = Int(bytes[levelAt] - UInt8(ascii: "0"))
            guard let close = find(Array("</h\(level)>".utf8), in: bytes, from: levelAt + 2) else { continue }
            let inner = bytes[(levelAt + 2)..<close]
            let text = unescape(stripTags(String(decoding: inner, as: UTF8.self)))
            var id = slug(text)
            if id.isEmpty { id = "section" }
            if let count = used[id] {
                used[id] = count + 1
                id += "-\(count)"
            } else {
                used[id] = 1
            }
            headings.append(Heading(level: level, text: text, id: id))
            result += bytes[copied..<open]
            result += "<h\(level) id=\"\(id)\">".utf8
            result += inner
            result += "</h\(level)>".utf8
            cursor = close + 5
            copied = cursor
        }
        result += bytes[copied...]
        return (String(decoding: result, as: UTF8.self), headings)
    }

    /// Where `needle` first starts in `bytes` at or after `start`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            guard let first = bytes[index...].firstIndex(of: needle[0]), first + needle.count <= bytes.count else {
                return nil
            }
            if bytes[first..<(first + needle.count)].elementsEqual(needle) { return first }
            index = first + 1
        }
        return nil
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

    private static func stripTags(_ html: String) -> String {
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

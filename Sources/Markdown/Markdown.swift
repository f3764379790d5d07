import CCmarkGFM
import Foundation
import Synchronization

/// GitHub-flavoured Markdown to HTML through cmark-gfm, in safe mode.
///
/// Raw HTML is dropped, and every link and image URL passes an allow-list of schemes
/// (`http`, `https`, `mailto`, relative and fragment links) before it is written, so
/// `javascript:` or `data:` URLs never reach a page. Callers may rewrite link targets (ADR files
/// become portal pages) through `rewriteLink`.
///
/// cmark-gfm keeps global state (its extension registry, its arena) and is not thread-safe, so
/// every render holds one process-wide lock. Renders happen when the platform is loaded, never
/// per request.
public enum Markdown {
    /// A document rendered once: the HTML for its page and its text for search.
    public struct Rendered: Sendable {
        public var html: String
        /// The words without markup (link targets, emphasis marks, fences), trimmed.
        public var text: String
    }

    /// `markdown` parsed once and rendered as HTML and as plain text. `rewriteLink` sees each
    /// allowed URL and may return a replacement (nil keeps it).
    public static func render(_ markdown: String, rewriteLink: ((String) -> String?)? = nil) -> Rendered {
        // Only cmark-gfm's own work holds the lock; what Swift does with its output runs beside
        // other renders (the ADRs and the TechDocs load on two threads at once).
        let (html, text) = renderWithCMark(markdown, rewriteLink: rewriteLink)
        return Rendered(
            html: tablesInScrollRegions(labelledTaskBoxes(tableAlignmentAsClasses(html))), text: trimmed(text))
    }

    /// cmark-gfm's HTML and plain text of `markdown`, its link targets checked and rewritten.
    private static func renderWithCMark(_ markdown: String, rewriteLink: ((String) -> String?)?) -> (
        html: String, text: String
    ) {
        lock.withLock { _ in
            cmark_gfm_core_extensions_ensure_registered()
            guard let parser = cmark_parser_new(options) else { return ("", "") }
            defer { cmark_parser_free(parser) }
            for name in extensionNames {
                if let syntaxExtension = cmark_find_syntax_extension(name) {
                    cmark_parser_attach_syntax_extension(parser, syntaxExtension)
                }
            }
            markdown.utf8CString.withUnsafeBufferPointer { buffer in
                cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
            }
            guard let document = cmark_parser_finish(parser) else { return ("", "") }
            defer { cmark_node_free(document) }
            rewriteURLs(in: document, rewriteLink: rewriteLink)
            return (html(of: document, parser: parser), plainText(of: document))
        }
    }

    /// Rendered HTML for `markdown`.
    public static func renderHTML(_ markdown: String, rewriteLink: ((String) -> String?)? = nil) -> String {
        render(markdown, rewriteLink: rewriteLink).html
    }

    /// A title's `code` spans as HTML, the rest escaped text. Only code spans: a title is shown
    /// inside links and headings, and what reads as markup in it ("Next \"<quoted>\"") is text.
    /// An unpaired backtick stays a backtick.
    public static func titleHTML(_ title: String) -> String {
        titleParts(title).enumerated().map { index, part in
            index % 2 == 1 ? "<code>\(escapeHTML(part))</code>" : escapeHTML(part)
        }.joined()
    }

    /// A title without its code spans' backticks, for window titles and search.
    public static func titleText(_ title: String) -> String {
        titleParts(title).joined()
    }

    /// Text and code spans alternating, text first.
    private static func titleParts(_ title: String) -> [String] {
        var parts = title.split(separator: "`", omittingEmptySubsequences: false).map(String.init)
        if parts.count % 2 == 0 {
            let unpaired = parts.removeLast()
            parts[parts.count - 1] += "`" + unpaired
        }
        return parts
    }

    /// `text` safe inside HTML elements and quoted attributes: `& < > " '` escaped.
    public static func escapeHTML(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The text of `markdown` without its markup, for one-line summaries.
    public static func plainText(_ markdown: String) -> String {
        render(markdown).text
    }

    /// Whether a link target may appear in a page: http(s), mailto or relative, and well-formed.
    public static func isSafeURL(_ url: String) -> Bool {
        // On the UTF-8 bytes: every entity link passes here at load, and the rules are all ASCII.
        var colon: Int?
        var delimiter: Int?
        for (offset, byte) in url.utf8.enumerated() {
            switch byte {
            // Characters a URL may not hold unencoded (RFC 3986); an attribute with them is not a valid URL.
            case 0...0x20, 0x7F, UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"),
                UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
                return false
            case UInt8(ascii: ":"): colon = colon ?? offset
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): delimiter = delimiter ?? offset
            default: continue
            }
        }
        // No spaces either (refused above), so a scheme starts at the first character.
        guard let colon else { return true }
        // A colon after the first slash, question mark or hash is part of a relative path, not a scheme.
        if let delimiter, delimiter < colon { return true }
        let scheme = String(decoding: url.utf8.prefix(colon), as: UTF8.self).lowercased()
        return allowedSchemes.contains(scheme)
    }

    private static let allowedSchemes: Set<String> = ["http", "https", "mailto"]
    private static let lock = Mutex(())
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    private static let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8

    private static func html(of document: OpaquePointer, parser: OpaquePointer) -> String {
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }

    /// A task list's checkboxes get a name ("Done", "Not done"): an input without one is unnamed
    /// to a screen reader. Raw HTML is omitted in safe mode, so every checkbox is cmark-gfm's own.
    private static func labelledTaskBoxes(_ html: String) -> String {
        html
            .replacingAll(
                "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
                with: "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Done\" />"
            )
            .replacingAll(
                "<input type=\"checkbox\" disabled=\"\" />",
                with: "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\" />")
    }

    /// Each table inside a region that scrolls sideways (class `table-scroll`), focusable so a
    /// keyboard can scroll it and named "Table 1", "Table 2"…: a wide table then never makes the
    /// page wider than a phone's screen.
    private static func tablesInScrollRegions(_ html: String) -> String {
        var number = 0
        return
            html
            .replacingAll("<table>") {
                number += 1
                return
                    "<div class=\"table-scroll\" role=\"region\" aria-label=\"Table \(number)\" tabindex=\"0\"><table>"
            }
            .replacingAll("</table>", with: "</table></div>")
    }

    private static func plainText(of document: OpaquePointer) -> String {
        guard let text = cmark_render_plaintext(document, options, 0) else { return "" }
        defer { free(text) }
        return String(cString: text)
    }

    /// `text` without the white space around it.
    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }

    /// cmark-gfm writes table alignment as the obsolete `align` attribute (or as inline styles,
    /// which the Content-Security-Policy blocks); classes keep both the HTML valid and the CSP strict.
    /// Raw HTML is omitted in safe mode, so every `align="` in the output is cmark-gfm's own.
    private static func tableAlignmentAsClasses(_ html: String) -> String {
        html
            .replacingAll(" align=\"left\"", with: " class=\"align-left\"")
            .replacingAll(" align=\"center\"", with: " class=\"align-center\"")
            .replacingAll(" align=\"right\"", with: " class=\"align-right\"")
    }

    private static func rewriteURLs(in document: OpaquePointer, rewriteLink: ((String) -> String?)?) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { continue }
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            let replacement: String
            if !isSafeURL(url) {
                // An empty href is a valid dead link; an image gets a source that loads nothing.
                replacement = type == CMARK_NODE_IMAGE ? "about:blank" : ""
            } else if let rewritten = rewriteLink?(url) {
                replacement = rewritten
            } else {
                continue
            }
            cmark_node_set_url(node, replacement)
        }
    }
}

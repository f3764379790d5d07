import Foundation
import Markdown

/// An entity's docs as read at load, before their pages are rendered: what `TechDocsLoader` finds
/// (with every problem the docs have) and `rendered()` turns into `TechDocs` in the background.
struct TechDocsSource: Sendable {
    /// A Markdown page of the docs folder.
    struct Page: Sendable {
        /// The path under `/docs/` (`""`, `guide/setup`).
        var path: String
        /// The file relative to the docs folder, which its relative links start from.
        var source: String
        /// The file relative to the platform root.
        var file: String
        var markdown: String
    }

    /// A `NavItem` whose title may be its page's, known once the page is rendered.
    struct NavEntry: Sendable {
        var title: String?
        var page: String?
        var url: String?
        var children: [NavEntry]
    }

    var entity: EntityRef
    var siteName: String
    var nav: [NavEntry]
    /// In table-of-contents order; the first is the docs' home.
    var pages: [Page]
    var docsFolder: String
    /// The platform's ADR folder, relative to the root: links to its records become their pages.
    var adrFolder: String
    var files: PlatformFiles

    /// The site with its pages rendered by cmark-gfm, their headings anchored, their links made
    /// portal links; a page's title is its first level-1 heading, else its file's name.
    func rendered() -> TechDocs {
        let paths = Set(pages.map(\.path))
        let rendered = pages.map { page in
            let html = Markdown.render(page.markdown) { [self] url in
                TechDocsLoader.portalLink(
                    for: url, from: page.source, entity: entity, pages: paths, docsFolder: docsFolder,
                    adrFolder: adrFolder)
            }
            let anchored = HeadingAnchors.add(to: html.html)
            let title =
                anchored.headings.first { $0.level == 1 }?.text
                ?? ((page.source as NSString).lastPathComponent as NSString).deletingPathExtension
            return DocPage(
                path: page.path, title: title, html: anchored.html, text: html.text,
                outline: anchored.headings.filter { (2...3).contains($0.level) }, file: page.file)
        }
        let titles = Dictionary(rendered.map { ($0.path, $0.title) }, uniquingKeysWith: { first, _ in first })
        func item(_ entry: NavEntry) -> NavItem {
            NavItem(
                title: entry.title ?? entry.page.flatMap { titles[$0] } ?? "", page: entry.page, url: entry.url,
                children: entry.children.map(item))
        }
        return TechDocs(siteName: siteName, nav: nav.map(item), pages: rendered, docsFolder: docsFolder, files: files)
    }
}

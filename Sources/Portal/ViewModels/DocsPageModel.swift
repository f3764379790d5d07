import Platform
import SiteURL

/// `/catalog/{kind}/{namespace}/{name}/docs/{page}`: one page of an entity's documentation with
/// the table of contents beside it and the page's own outline.
struct DocsPageModel: Sendable {
    struct NavEntry: Sendable {
        var title: String
        var href: String?
        /// Stored flags rather than optionals: inside a section on `.href` the context is the text.
        var hasHref: Bool
        var isExternal: Bool
        var isCurrent: Bool
        var children: [NavEntry]
        /// Stored, as templates read values through `Mirror`, which does not see computed ones.
        var hasChildren: Bool
    }

    struct OutlineEntry: Sendable {
        var text: String
        var href: String
        var isSub: Bool
    }

    struct PageLink: Sendable {
        var title: String
        var href: String
    }

    var siteName: String
    var entityName: String
    var entityHref: String
    var title: String
    /// False when the page does not start with a `# title` of its own, so the template adds one.
    var hasOwnTitle: Bool
    /// cmark-gfm output in safe mode, for triple braces.
    var html: String
    var nav: [NavEntry]
    var outline: [OutlineEntry]
    var previous: PageLink?
    var next: PageLink?
    var file: String

    init(entity: Entity, site: TechDocs, page: DocPage) {
        siteName = site.siteName
        entityName = entity.displayName
        entityHref = SiteURL.entity(entity.ref.site).path
        title = page.title
        hasOwnTitle = page.html.hasPrefix("<h1")
        html = page.html
        func entries(_ items: [NavItem]) -> [NavEntry] {
            items.map { item in
                let href = item.url ?? item.page.map { SiteURL.entityDocs(entity.ref.site, page: $0).path }
                return NavEntry(
                    title: item.title, href: href, hasHref: href != nil, isExternal: item.url != nil,
                    isCurrent: item.page == page.path, children: entries(item.children),
                    hasChildren: !item.children.isEmpty)
            }
        }
        nav = entries(site.nav)
        outline = page.outline.map { OutlineEntry(text: $0.text, href: "#" + $0.id, isSub: $0.level > 2) }
        let position = site.pages.firstIndex { $0.path == page.path } ?? 0
        let link = { (other: DocPage) in
            PageLink(title: other.title, href: SiteURL.entityDocs(entity.ref.site, page: other.path).path)
        }
        previous = position > 0 ? link(site.pages[position - 1]) : nil
        next = position + 1 < site.pages.count ? link(site.pages[position + 1]) : nil
        file = page.file
    }
}

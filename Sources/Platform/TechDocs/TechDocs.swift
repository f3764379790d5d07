/// The entities' documentation. Which entities have docs, and how many pages each, is known once
/// the platform is loaded, with every problem the docs have; the pages are rendered after it, in
/// the background, since only the docs pages and search show them. At 50,000 components the
/// rendering (cmark-gfm, one render at a time) was the last 0.4 s of the load.
public struct TechDocsSites: Sendable {
    /// The number of pages of each entity's docs.
    public var pageCounts: [EntityRef: Int]
    /// Each entity's docs, rendered.
    public var sites: Deferred<[EntityRef: TechDocs]>

    /// Starts rendering `sources` in the background, one site after the other.
    init(_ sources: [TechDocsSource]) {
        pageCounts = Dictionary(sources.map { ($0.entity, $0.pages.count) }, uniquingKeysWith: { first, _ in first })
        sites = Deferred {
            let rendered = sources.map { $0.rendered() }
            return Dictionary(zip(sources.map(\.entity), rendered), uniquingKeysWith: { first, _ in first })
        }
    }
}

/// An entity's documentation (Backstage's TechDocs), read from the folder its
/// `backstage.io/techdocs-ref: dir:<path>` annotation names and rendered once, after the load.
public struct TechDocs: Sendable {
    /// `site_name` of `mkdocs.yml`, or the entity's name.
    public var siteName: String
    /// The table of contents: `mkdocs.yml`'s `nav`, or the pages of `docs/` in order.
    public var nav: [NavItem]
    /// Every rendered page, in table-of-contents order; the first is the docs' home.
    public var pages: [DocPage]
    /// Folder of the pages and images, relative to the platform root (`apps/ai-gateway/docs`).
    public var docsFolder: String
    /// Reads images of `docsFolder` at request time, with the repository's path and link rules.
    let files: PlatformFiles

    /// The page at `path` (`""` is the home page, `guide/setup` is `guide/setup.md`).
    public func page(_ path: String) -> DocPage? {
        pages.first { $0.path == path }
    }

    /// The file types served from the docs folder as images.
    public static let imageTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "svg": "image/svg+xml",
    ]

    /// The bytes and media type of an image below the docs folder, or nil when `path` is not one
    /// (another type, outside the folder, missing, or refused by the repository's link rules).
    public func image(_ path: String) -> (bytes: [UInt8], contentType: String)? {
        let fileExtension = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard let type = Self.imageTypes[fileExtension], path.split(separator: "/").allSatisfy({ $0 != ".." }),
            !path.hasPrefix("/"), case .success(let bytes) = files.read(docsFolder + "/" + path)
        else { return nil }
        return (bytes, type)
    }
}

/// One entry of the table of contents: a page, a section of entries, or a link elsewhere.
public struct NavItem: Sendable {
    public var title: String
    /// The page path (`guide/setup`) for a page of these docs.
    public var page: String?
    /// An external `http(s)` link.
    public var url: String?
    public var children: [NavItem]
}

/// One page of documentation, rendered by cmark-gfm in safe mode.
public struct DocPage: Sendable {
    /// The path under `/docs/`: the Markdown file's path without `.md`, `index` dropped (`""`, `guide`).
    public var path: String
    public var title: String
    /// The body with `id`s on its headings and links between pages pointing at portal pages.
    public var html: String
    /// The words without markup, for search.
    public var text: String
    /// The page's headings below its title, for the outline beside it.
    public var outline: [Heading]
    /// The Markdown file, relative to the platform root.
    public var file: String
}

/// A heading of a rendered page and the anchor it got.
public struct Heading: Sendable, Hashable {
    public var level: Int
    public var text: String
    public var id: String
}

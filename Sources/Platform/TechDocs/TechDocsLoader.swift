import Foundation
import Markdown
import SiteURL
import YAML

/// Reads the docs of every entity with `backstage.io/techdocs-ref: dir:<path>`, for
/// `TechDocsSource.rendered` to render.
///
/// The folder is relative to the entity's file. Its `mkdocs.yml` gives the site name, the docs
/// folder (`docs_dir`, default `docs`) and the `nav`; without a `nav` (or without `mkdocs.yml`)
/// every Markdown file of the docs folder is a page, `index.md` first. What mkdocs would add with
/// plugins, hooks or Markdown extensions is not run: each such setting is a problem on the errors
/// page, and the pages render without it. Files are read with the repository's path and link rules.
struct TechDocsLoader {
    let files: PlatformFiles
    /// The platform's ADR folder, relative to the root: links from docs to its records become their pages.
    let adrFolder: String
    var problems: [LoadProblem] = []

    static let annotation = "backstage.io/techdocs-ref"
    /// Plugins Backstage's own build adds or that change nothing on a page.
    static let harmlessPlugins: Set<String> = ["techdocs-core", "search"]
    /// Markdown extensions whose effect cmark-gfm's tables, fences, autolinks and task lists already give.
    static let coveredExtensions: Set<String> = [
        "toc", "tables", "fenced_code", "sane_lists", "pymdownx.tasklist", "pymdownx.tilde", "pymdownx.magiclink",
    ]
    /// A page longer than this is not rendered.
    static let maxPageBytes = 1 << 20

    init(files: PlatformFiles, adrFolder: String) {
        self.files = files
        self.adrFolder = files.absolute(adrFolder).map(files.relative) ?? adrFolder
    }

    /// Docs of each entity that asks for them and has at least one page, read but not rendered:
    /// reading finds every problem the docs have, `TechDocsSource.rendered` none. A `dir:` folder
    /// without `mkdocs.yml` and pages is not a problem: Backstage builds such docs from the
    /// component's own repository, which Homeport does not read.
    mutating func load(entities: [Entity]) -> [TechDocsSource] {
        let asking = entities.filter { $0.annotations.contains { $0.key == Self.annotation } }
        // Each entity's docs are read on their own: on all cores, each with a loader of its own,
        // then gathered in catalog order.
        let sites = asking.concurrentMap(chunk: 1) { [self] entity in
            var loader = TechDocsLoader(files: files, resolvedADRFolder: adrFolder)
            return (loader.load(entity: entity), loader.problems)
        }
        var sources: [TechDocsSource] = []
        for (site, problems) in sites {
            self.problems += problems
            if let site { sources.append(site) }
        }
        return sources
    }

    private init(files: PlatformFiles, resolvedADRFolder: String) {
        self.files = files
        self.adrFolder = resolvedADRFolder
    }

    private mutating func load(entity: Entity) -> TechDocsSource? {
        guard let reference = entity.annotations.first(where: { $0.key == Self.annotation })?.value else {
            return nil
        }
        let declared = SourceLocation(file: entity.source.file, line: entity.source.line)
        // `url:` docs live in another repository, as most of Backstage's own examples have them:
        // not read, not a problem (the entity page says where they are).
        guard reference.hasPrefix("dir:") else { return nil }
        let entityFolder = (entity.source.file as NSString).deletingLastPathComponent
        let directory = String(reference.dropFirst(4)).trimmingCharacters(in: .whitespaces)
        guard let absolute = files.absolute(entityFolder.isEmpty ? directory : entityFolder + "/" + directory)
        else {
            problems.append(
                LoadProblem(
                    file: declared.file, line: declared.line,
                    reason:
                        "\(Self.annotation) '\(reference)' of \(entity.ref) leads outside the platform repository"
                ))
            return nil
        }
        return load(folder: files.relative(absolute), entity: entity)
    }

    private mutating func load(folder: String, entity: Entity) -> TechDocsSource? {
        let join: (String) -> String = { folder.isEmpty ? $0 : folder + "/" + $0 }
        let configFile = join("mkdocs.yml")
        var siteName = entity.displayName
        var docsDir = "docs"
        var declaredNav: YAMLNode?
        let config = files.read(configFile, problems: &problems)
        if let bytes = config {
            do {
                if let config = try YAML.parse(String(decoding: bytes, as: UTF8.self)) {
                    if let name = config["site_name"]?.string { siteName = name }
                    if let dir = config["docs_dir"]?.string { docsDir = dir }
                    declaredNav = config["nav"]
                    reportUnsupported(config, file: configFile)
                }
            } catch {
                problems.append(
                    LoadProblem(
                        file: configFile, line: error.line, column: error.column,
                        reason: "\(error.reason); the docs are shown with the files of \(docsDir)/ as their contents"))
            }
        }
        let docsFolder = join(docsDir)
        guard files.absolute(docsFolder) != nil else {
            problems.append(
                LoadProblem(file: configFile, line: nil, reason: "docs_dir leads outside the platform repository"))
            return nil
        }
        let (found, refused) = files.glob(docsFolder + "/**/*.md")
        for refusal in refused { problems.append(refusal.problem(reading: docsFolder)) }
        // Paths relative to the docs folder, `index.md` first.
        let relative: [String] = found.map { String($0.dropFirst(docsFolder.count + 1)) }
        let sources = relative.sorted { (lhs: String, rhs: String) -> Bool in
            if (lhs == "index.md") != (rhs == "index.md") { return lhs == "index.md" }
            return lhs < rhs
        }
        guard !sources.isEmpty else {
            // Without mkdocs.yml either, the docs are kept elsewhere (the component's own repository).
            guard config != nil else { return nil }
            problems.append(
                LoadProblem(
                    file: entity.source.file, line: entity.source.line,
                    reason: "\(entity.ref) has \(Self.annotation) but \(docsFolder) holds no Markdown page"))
            return nil
        }
        var pages: [TechDocsSource.Page] = []
        for source in sources {
            let file = docsFolder + "/" + source
            guard let bytes = files.read(file, problems: &problems) else { continue }
            guard bytes.count <= Self.maxPageBytes else {
                problems.append(
                    LoadProblem(
                        file: file, line: nil,
                        reason: "the page is larger than \(Self.maxPageBytes) bytes and is not shown"))
                continue
            }
            guard let markdown = String(validating: bytes, as: UTF8.self) else {
                problems.append(LoadProblem(file: file, line: nil, reason: "the file is not valid UTF-8"))
                continue
            }
            pages.append(
                TechDocsSource.Page(path: Self.pagePath(source), source: source, file: file, markdown: markdown))
        }
        guard !pages.isEmpty else { return nil }
        let paths = Set(pages.map(\.path))
        var nav: [TechDocsSource.NavEntry] = []
        if let declaredNav {
            nav = readNav(declaredNav, pages: paths, file: configFile)
        }
        if nav.isEmpty {
            nav = pages.map { TechDocsSource.NavEntry(title: nil, page: $0.path, url: nil, children: []) }
        }
        // The first page of the table of contents is the home page.
        if let first = Self.firstPage(nav), let position = pages.firstIndex(where: { $0.path == first }), position > 0 {
            pages.insert(pages.remove(at: position), at: 0)
        }
        return TechDocsSource(
            entity: entity.ref, siteName: siteName, nav: nav, pages: pages, docsFolder: docsFolder,
            adrFolder: adrFolder, files: files)
    }

    /// `nav:` entries: `page.md`, `Title: page.md`, `Title: https://…` or `Section: [entries]`.
    private mutating func readNav(_ node: YAMLNode, pages: Set<String>, file: String) -> [TechDocsSource.NavEntry] {
        guard let entries = node.sequence else {
            problems.append(LoadProblem(file: file, line: node.mark.line, reason: "nav must be a list"))
            return []
        }
        return entries.compactMap { entry -> TechDocsSource.NavEntry? in
            var title: String?
            var value = entry
            if let pairs = entry.mapping, pairs.count == 1, let key = pairs[0].key.string {
                title = key
                value = pairs[0].value
            }
            if let children = value.sequence {
                return TechDocsSource.NavEntry(
                    title: title ?? "Section", page: nil, url: nil,
                    children: readNav(YAMLNode(.sequence(children), mark: value.mark), pages: pages, file: file))
            }
            guard let target = value.string else {
                problems.append(LoadProblem(file: file, line: entry.mark.line, reason: "a nav entry must name a page"))
                return nil
            }
            if target.hasPrefix("http://") || target.hasPrefix("https://") {
                return Markdown.isSafeURL(target)
                    ? TechDocsSource.NavEntry(title: title ?? target, page: nil, url: target, children: []) : nil
            }
            let path = Self.pagePath(target.hasPrefix("./") ? String(target.dropFirst(2)) : target)
            guard pages.contains(path) else {
                problems.append(
                    LoadProblem(
                        file: file, line: entry.mark.line,
                        reason: "nav entry '\(target)' names no page of the docs folder"))
                return nil
            }
            return TechDocsSource.NavEntry(title: title, page: path, url: nil, children: [])
        }
    }

    private mutating func reportUnsupported(_ config: YAMLNode, file: String) {
        func names(_ node: YAMLNode?) -> [(String, Int)] {
            (node?.sequence ?? []).compactMap { item in
                (item.string ?? item.mapping?.first?.key.string).map { ($0, item.mark.line) }
            } + (node?.mapping ?? []).compactMap { pair in pair.key.string.map { ($0, pair.key.mark.line) } }
        }
        for (plugin, line) in names(config["plugins"]) where !Self.harmlessPlugins.contains(plugin) {
            problems.append(
                LoadProblem(
                    file: file, line: line,
                    reason: "mkdocs plugin '\(plugin)' is not supported: the pages are shown without what it adds"))
        }
        for (name, line) in names(config["markdown_extensions"]) where !Self.coveredExtensions.contains(name) {
            problems.append(
                LoadProblem(
                    file: file, line: line,
                    reason: "Markdown extension '\(name)' is not supported: its syntax is shown as plain Markdown"))
        }
        for key in ["hooks", "INHERIT"] {
            if let node = config[key] {
                problems.append(
                    LoadProblem(
                        file: file, line: node.mark.line, reason: "mkdocs '\(key)' is not supported and is ignored"))
            }
        }
    }

    private static func firstPage(_ nav: [TechDocsSource.NavEntry]) -> String? {
        for item in nav {
            if let page = item.page { return page }
            if let page = firstPage(item.children) { return page }
        }
        return nil
    }

    /// `index.md` → ``, `guide/index.md` → `guide`, `guide/setup.md` → `guide/setup`.
    static func pagePath(_ source: String) -> String {
        var path = source.hasSuffix(".md") ? String(source.dropLast(3)) : source
        if path == "index" { return "" }
        if path.hasSuffix("/index") { path.removeLast(6) }
        return path
    }

    /// A relative link of the page `source` (relative to the docs folder): to another page, its
    /// portal page; to any other file of the docs folder (an image), that file under the docs URL;
    /// to a record of the platform's ADR folder, its page. Absolute, fragment-only and external
    /// links stay as written; any other link out of the docs folder becomes a dead one (`about:blank`,
    /// which is also a valid image source).
    static func portalLink(
        for url: String, from source: String, entity: EntityRef, pages: Set<String>, docsFolder: String,
        adrFolder: String
    ) -> String? {
        guard !url.isEmpty, !url.hasPrefix("#"), !url.hasPrefix("/"), !url.contains("://"), !url.hasPrefix("mailto:")
        else { return nil }
        let parts = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts[0]).split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        let fragment = parts.count > 1 ? "#" + parts[1] : ""
        // Components from the platform root; the docs folder's own are the floor of the docs.
        let floor = docsFolder.split(separator: "/").map(String.init)
        var components = floor + (source as NSString).deletingLastPathComponent.split(separator: "/").map(String.init)
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !components.isEmpty else { return "about:blank" }
                components.removeLast()
            default: components.append(String(component).removingPercentEncoding ?? String(component))
            }
        }
        guard components.count > floor.count, Array(components.prefix(floor.count)) == floor else {
            let path = components.joined(separator: "/")
            let folder = (path as NSString).deletingLastPathComponent
            guard path.hasSuffix(".md"), folder == adrFolder else { return "about:blank" }
            return SiteURL.adr(id: ((path as NSString).lastPathComponent as NSString).deletingPathExtension).path
                + fragment
        }
        let resolved = components.dropFirst(floor.count).joined(separator: "/")
        let page = resolved.hasSuffix(".md") && pages.contains(pagePath(resolved)) ? pagePath(resolved) : resolved
        return SiteURL.entityDocs(entity.site, page: page).path + fragment
    }
}

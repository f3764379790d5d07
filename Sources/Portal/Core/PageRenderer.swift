import Auth
import Foundation
import Hummingbird
import Markdown
import Mustache
import Platform
import Synchronization

/// Renders a page template, then the layout around it.
///
/// Templates are loaded once from `Templates/`; every `{{value}}` is HTML-escaped, and only the
/// page body (HTML we rendered) and cmark-gfm output use triple braces.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    public init(templatesDirectory: String) async throws {
        // Every template escapes with `HTMLEscaping` (a pragma line, which renders nothing, put
        // before each): swift-mustache's own escaper looks every character up in a dictionary,
        // which was most of the time of rendering a large page.
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        let pragma = "{{% CONTENT_TYPE: \(HTMLEscaping.name) }}\n"
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: templatesDirectory).sorted()
        where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: templatesDirectory + "/" + file, encoding: .utf8)
            try library.register(pragma + text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// `template` rendered with `model`, inside the layout, for `user` (the layout names them);
    /// `csrfToken` is what a form on the page carries (nil: the page may have no form).
    func page(
        _ template: String, _ model: some Sendable, title: String, section: LayoutModel.Section,
        snapshot: PlatformSnapshot, user: Identity?, csrfToken: CSRFToken?, status: HTTPResponse.Status = .ok,
        refresh: Bool = false
    ) -> HTMLPage {
        let scope = PageScope(model: model, csrfToken: csrfToken)
        guard let body = library.render(scope, withTemplate: template) else {
            preconditionFailure("template \(template).mustache is missing from Templates/")
        }
        var layout = LayoutModel(title: title, section: section, problemCount: snapshot.problems.count)
        layout.body = body
        layout.refresh = refresh
        layout.userName = user?.name
        let html = library.render(layout, withTemplate: "layout") ?? body
        var page = HTMLPage(html: html, status: status)
        page.carriesCSRFToken = scope.tokenUse.asked.load(ordering: .relaxed)
        return page
    }
}

/// HTML escaping for `{{value}}`: text without `& < > " '` (most of it: names, links, refs) is
/// used as it is, without a copy; the rest goes through the portal's one HTML escaper.
struct HTMLEscaping: MustacheContentType {
    static let name = "HOMEPORT_HTML"

    func escapeText(_ text: String) -> String {
        let needsEscaping = text.utf8.contains { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        return needsEscaping ? Markdown.escapeHTML(text) : text
    }
}

/// Whether a template asked for `{{csrfToken}}` while rendering.
final class TokenUse: Sendable {
    let asked = Atomic<Bool>(false)
}

/// A page's view model plus what every form needs (`{{csrfToken}}`), found by templates from any
/// section through Mustache's context stack.
struct PageScope<Model>: MustacheParent {
    let csrfToken: CSRFToken?
    let tokenUse = TokenUse()
    /// The model's fields by name, read once: every name a template does not find further up
    /// the stack ends here, and a `Mirror` of a 40-field model per lookup was a tenth of an
    /// entity page's rendering. An absent optional is left out, so it reads as missing, as
    /// Mustache's own lookup treats it.
    private let fields: [String: Any]

    init(model: Model, csrfToken: CSRFToken?) {
        self.csrfToken = csrfToken
        var fields: [String: Any] = [:]
        for case (let label?, let value) in Mirror(reflecting: model).children {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle != .optional {
                fields[label] = value
            } else if let wrapped = mirror.children.first?.value {
                fields[label] = wrapped
            }
        }
        self.fields = fields
    }

    func child(named name: String) -> Any? {
        if name == "csrfToken" {
            tokenUse.asked.store(true, ordering: .relaxed)
            return csrfToken?.value ?? ""
        }
        return fields[name]
    }
}

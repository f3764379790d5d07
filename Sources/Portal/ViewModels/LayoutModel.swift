/// What the layout around every page needs: the title, which section is current, and how many
/// load problems the errors page lists.
struct LayoutModel: Sendable {
    var title: String
    var nav: [NavItem]
    var hasProblems: Bool
    /// "1 load error", "3 load errors".
    var problemLabel: String
    /// Reload the page every few seconds when JavaScript is off (a running request).
    var refresh = false
    /// The rendered page, filled in by `PageRenderer`.
    var body = ""
    /// Who is signed in, when someone is.
    var userName: String?

    init(title: String, section: Section, problemCount: Int) {
        self.title = title
        self.hasProblems = problemCount > 0
        self.problemLabel = problemCount == 1 ? "1 load error" : "\(problemCount) load errors"
        self.nav = Section.allCases.filter(\.inNavigation).map {
            NavItem(label: $0.label, href: $0.path, current: $0 == section)
        }
    }

    struct NavItem: Sendable {
        var label: String
        var href: String
        var current: Bool
    }

    enum Section: CaseIterable {
        case overview, catalog, adrs, inventory, observability, diagnostics, newApp, requests, errors, none

        var label: String {
            switch self {
            case .overview: return "Overview"
            case .catalog: return "Catalog"
            case .adrs: return "Decisions"
            case .inventory: return "Inventory"
            case .observability: return "Observability"
            case .diagnostics: return "Diagnostics"
            case .newApp: return "New app"
            case .requests: return "Requests"
            case .errors: return "Load errors"
            case .none: return ""
            }
        }

        var path: String {
            switch self {
            case .overview: return "/"
            case .catalog: return "/catalog"
            case .adrs: return "/adr"
            case .inventory: return "/inventory"
            case .observability: return "/observability"
            case .diagnostics: return "/diagnostics"
            case .newApp: return "/apps/new"
            case .requests: return "/requests"
            case .errors: return "/-/errors"
            case .none: return "/"
            }
        }

        var inNavigation: Bool { self != .none && self != .errors }
    }
}

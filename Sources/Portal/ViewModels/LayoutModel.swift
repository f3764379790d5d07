import SiteURL

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
            case .overview, .none: return SiteURL.overview.path
            case .catalog: return SiteURL.catalog.path
            case .adrs: return SiteURL.adrs.path
            case .inventory: return SiteURL.inventory.path
            case .observability: return SiteURL.observability.path
            case .diagnostics: return SiteURL.diagnostics.path
            case .newApp: return SiteURL.newApp.path
            case .requests: return SiteURL.requests.path
            case .errors: return SiteURL.errors.path
            }
        }

        var inNavigation: Bool { self != .none && self != .errors }
    }
}

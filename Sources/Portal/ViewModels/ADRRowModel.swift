import Foundation
import Platform

/// An ADR as a row of a list: number, title, status badge and date.
struct ADRRowModel: Sendable {
    var href: String
    var number: String
    var title: String
    var status: String
    var statusClass: String
    var date: String?

    init(_ adr: ADR) {
        href = "/adr/\(adr.id)"
        number = adr.number.map { String(format: "%03d", $0) } ?? "—"
        title = adr.title
        status = adr.status.text.count > 40 ? adr.status.kind.rawValue.capitalized : adr.status.text
        statusClass = adr.status.kind.rawValue
        date = adr.date
    }
}

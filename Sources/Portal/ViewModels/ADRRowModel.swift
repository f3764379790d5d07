import Foundation
import Platform

/// An ADR as a row of a list: number, title, status badge and date.
struct ADRRowModel: Sendable {
    var href: String
    var number: String
    /// Inline HTML from cmark-gfm in safe mode (`code` spans), for triple braces.
    var titleHTML: String
    var status: String
    var statusClass: String
    var date: String?
    /// The date when it is an ISO date, for `<time datetime>`.
    var isoDate: String?

    /// `owner`: the entity whose page holds the record, nil for the platform's own records.
    init(_ adr: ADR, owner: EntityRef? = nil) {
        href = ADR.page(id: adr.id, owner: owner).path
        number = adr.number.map { String(format: "%03d", $0) } ?? "—"
        titleHTML = adr.titleHTML
        // "accepted", "Accepted" and "Superseded by [6. ...](...)" all read as one word on a badge.
        status = adr.status.kind == .unknown ? adr.status.text : adr.status.kind.rawValue.capitalized
        statusClass = adr.status.kind.rawValue
        date = adr.date
        isoDate = adr.date.flatMap { Self.isISODate($0) ? $0 : nil }
    }

    /// `2024-03-05`.
    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2]
            && parts.allSatisfy { $0.allSatisfy(\.isASCII) && Int($0) != nil }
    }
}

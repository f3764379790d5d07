import Platform

/// `/adr/{id}`: one record, rendered, with its supersession links and neighbours.
struct ADRPageModel: Sendable {
    var row: ADRRowModel
    var deciders: String?
    var html: String
    var supersedes: [ADRRowModel]
    var supersededBy: [ADRRowModel]
    var previous: ADRRowModel?
    var next: ADRRowModel?
    var file: String

    init(adr: ADR, snapshot: PlatformSnapshot) {
        let adrs = snapshot.adrs
        row = ADRRowModel(adr)
        deciders = adr.deciders
        html = adr.html
        supersedes = adr.supersedes.compactMap { snapshot.adr(id: $0).map(ADRRowModel.init) }
        supersededBy = adr.supersededBy.compactMap { snapshot.adr(id: $0).map(ADRRowModel.init) }
        let position = adrs.firstIndex { $0.id == adr.id }!
        previous = position > 0 ? ADRRowModel(adrs[position - 1]) : nil
        next = position + 1 < adrs.count ? ADRRowModel(adrs[position + 1]) : nil
        file = adr.file
    }
}

/// `/adr`: every record.
struct ADRIndexModel: Sendable {
    var rows: [ADRRowModel]
    var isEmpty: Bool

    init(snapshot: PlatformSnapshot) {
        rows = snapshot.adrs.map(ADRRowModel.init)
        isEmpty = rows.isEmpty
    }
}

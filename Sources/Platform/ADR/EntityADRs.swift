import Foundation
import SiteURL

/// The decision records an entity keeps with its code (`backstage.io/adr-location`: a folder
/// relative to the entity's file), loaded and rendered like the platform's own.
public struct EntityADRs: Sendable {
    /// The folder, relative to the platform root.
    public var folder: String
    public var records: [ADR]
    /// The entity whose page holds the records' pages; nil when the folder is the platform's own
    /// ADR folder (the records are then the platform's, claimed by the entity, and stay at `/adr`).
    public var owner: EntityRef?

    public func record(id: String) -> ADR? {
        records.first { $0.id == id }
    }

    static let annotation = "backstage.io/adr-location"
}

extension ADR {
    /// The page of record `id`: the platform's (`owner` nil), or one kept beside an entity.
    public static func page(id: String, owner: EntityRef?) -> SiteURL {
        owner.map { .entityADR($0.site, id: id) } ?? .adr(id: id)
    }
}

extension ADRLoader {
    /// The records of every entity with `backstage.io/adr-location`; each folder is read once, and
    /// belongs to the first of `entities` (in the catalog's order) that names it.
    mutating func loadEntityRecords(entities: [Entity], platformFolder: String, platformRecords: [ADR]) -> [EntityRef:
        EntityADRs]
    {
        let platform = files.absolute(platformFolder).map(files.relative)
        var byFolder: [String: [ADR]] = [:]
        var result: [EntityRef: EntityADRs] = [:]
        for entity in entities {
            guard let location = entity.annotations.first(where: { $0.key == EntityADRs.annotation })?.value else {
                continue
            }
            let entityFolder = (entity.source.file as NSString).deletingLastPathComponent
            guard let absolute = files.absolute(entityFolder.isEmpty ? location : entityFolder + "/" + location) else {
                problems.append(
                    LoadProblem(
                        file: entity.source.file, line: entity.source.line,
                        reason:
                            "\(EntityADRs.annotation) '\(location)' of \(entity.ref) leads outside the platform repository"
                    ))
                continue
            }
            let folder = files.relative(absolute)
            if folder == platform {
                result[entity.ref] = EntityADRs(folder: folder, records: platformRecords, owner: nil)
                continue
            }
            let records = byFolder[folder] ?? load(folder: folder, owner: entity.ref)
            byFolder[folder] = records
            // A folder that is not in the platform repository is the component's own, which Homeport
            // does not read: not a problem, as for docs kept elsewhere.
            if records.isEmpty { continue }
            result[entity.ref] = EntityADRs(folder: folder, records: records, owner: entity.ref)
        }
        return result
    }
}

import Dispatch
import Foundation

/// Everything the portal shows about the platform, built at once and never changed afterwards.
///
/// Pages read one snapshot for a whole request; a reload builds a new one and swaps it in.
public struct PlatformSnapshot: Sendable {
    public var catalog: Catalog
    public var adrs: [ADR]
    public var inventory: Inventory
    public var serviceGroups: [ServiceGroup]
    public var dashboards: [GrafanaDashboard]
    public var argoApplications: [ArgoApplication]
    /// The images the intent engine fills a description from (`platform/known-images.yaml`).
    public var knownImages: KnownImages
    /// Documentation of the entities with `backstage.io/techdocs-ref`, rendered in the background.
    public var docs: TechDocsSites
    /// Decision records of the entities with `backstage.io/adr-location`.
    public var entityADRs: [EntityRef: EntityADRs]
    /// Entities, ADRs, service links, docs pages and entities' ADRs for `/search`, built in the
    /// background once the docs are rendered.
    public var search: Deferred<SearchIndex>
    /// Every file, or part of one, that could not be loaded; sorted by file and line.
    public var problems: [LoadProblem]
    public var loadedAt: Date
    /// Wall time spent building this snapshot, in seconds (the docs' pages and the search index,
    /// built after it, apart).
    public var buildSeconds: Double
    /// Wall time of each phase of the build, in order, for the debug log.
    public var phases: [(name: String, seconds: Double)]

    public func adr(id: String) -> ADR? {
        adrs.first { $0.id == id }
    }

    /// The first service link of a type (`grafana`), to build links into it.
    public func service(ofType type: String) -> ServiceLink? {
        serviceGroups.lazy.flatMap(\.services).first { $0.type == type }
    }
}

/// Where the platform repository keeps each part; paths are relative to `root`.
public struct PlatformPaths: Sendable {
    public var root: String
    public var catalog: String
    public var adrDir: String
    public var inventory: String
    public var services: String
    public var dashboardsDir: String
    public var gitopsAppsDir: String

    public init(
        root: String, catalog: String, adrDir: String, inventory: String, services: String, dashboardsDir: String,
        gitopsAppsDir: String
    ) {
        self.root = root
        self.catalog = catalog
        self.adrDir = adrDir
        self.inventory = inventory
        self.services = services
        self.dashboardsDir = dashboardsDir
        self.gitopsAppsDir = gitopsAppsDir
    }
}

/// The platform repository could not be read at all (as opposed to a file in it failing).
public struct PlatformUnavailable: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// Builds a `PlatformSnapshot` from a platform repository on disk.
public struct PlatformLoader: Sendable {
    public let paths: PlatformPaths

    public init(paths: PlatformPaths) {
        self.paths = paths
    }

    public func load() throws(PlatformUnavailable) -> PlatformSnapshot {
        let clock = ContinuousClock()
        let started = (date: Date(), instant: clock.now)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: paths.root, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw PlatformUnavailable(reason: "the platform root \(paths.root) is not a readable folder")
        }
        let files = PlatformFiles(root: paths.root)
        var phases: [(name: String, seconds: Double)] = []
        var last = started.instant
        func lap(_ name: String) {
            let now = clock.now
            phases.append((name, (now - last) / .seconds(1)))
            last = now
        }

        // The ADRs (Markdown rendering) do not depend on the catalog: they load on another thread
        // meanwhile, and the small files after them.
        let others = BackgroundStep { [paths] in
            var adrLoader = ADRLoader(files: files)
            let adrs = adrLoader.load(folder: paths.adrDir)
            var problems = adrLoader.problems
            let inventory = InventoryLoader.load(file: paths.inventory, files: files, problems: &problems)
            let serviceGroups = ServiceLinksLoader.load(file: paths.services, files: files, problems: &problems)
            let dashboards = DashboardLoader.load(folder: paths.dashboardsDir, files: files, problems: &problems)
            let applications = ArgoApplicationLoader.load(
                folder: paths.gitopsAppsDir, files: files, problems: &problems)
            let knownImages = KnownImages.load(files: files, problems: &problems)
            return OtherParts(
                adrs: adrs, inventory: inventory, serviceGroups: serviceGroups, dashboards: dashboards,
                applications: applications, knownImages: knownImages, problems: problems)
        }

        var catalogLoader = CatalogLoader(files: files)
        let parsed = catalogLoader.parse(rootLocation: paths.catalog)
        lap("catalog files")
        let parts = others.result
        lap("waiting for the ADRs and the other files")
        phases.append(("ADRs and the other files, beside the catalog", others.seconds))
        let (adrs, serviceGroups) = (parts.adrs, parts.serviceGroups)

        // Entities' own ADRs and docs need the entities (their annotations, in catalog order) and
        // the platform ADRs, not the relations: they load on another thread while the catalog is
        // linked. The records are quick; the docs are read site by site on all cores, and rendered
        // once the snapshot is built.
        let (entities, positions) = CatalogLoader.inCatalogOrder(parsed)
        let entityParts = BackgroundStep { [paths] in
            var adrLoader = ADRLoader(files: files)
            let records = adrLoader.loadEntityRecords(
                entities: entities, platformFolder: paths.adrDir, platformRecords: adrs)
            var docsLoader = TechDocsLoader(files: files, adrFolder: paths.adrDir)
            let docs = docsLoader.load(entities: entities)
            return (records: records, docs: docs, problems: adrLoader.problems + docsLoader.problems)
        }
        let catalog = catalogLoader.link(parsed, entities: entities, positions: positions)
        // What the entities declared is in the catalog now: 63,000 parsed entities' relations
        // and Location targets at 50,000 components, which took 50 ms to free on this thread.
        releaseInBackground(consume parsed)
        lap("catalog relations and indexes")
        let (entityADRs, docSources, entityProblems) = entityParts.result
        let docs = TechDocsSites(docSources)
        lap("waiting for the entities' ADRs and docs")
        phases.append(("entities' ADRs and docs, beside the relations", entityParts.seconds))
        let problems = (catalogLoader.problems + parts.problems + entityProblems)
            .sorted { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
        return PlatformSnapshot(
            catalog: catalog,
            adrs: adrs,
            inventory: parts.inventory,
            serviceGroups: serviceGroups,
            dashboards: parts.dashboards,
            argoApplications: parts.applications,
            knownImages: parts.knownImages,
            docs: docs,
            entityADRs: entityADRs,
            search: Deferred {
                SearchIndex(
                    catalog: catalog, adrs: adrs, serviceGroups: serviceGroups,
                    more: SearchDocument.docs(docs.sites.wait(), catalog: catalog)
                        + SearchDocument.records(entityADRs, catalog: catalog))
            },
            problems: problems,
            loadedAt: started.date,
            buildSeconds: (clock.now - started.instant) / .seconds(1),
            phases: phases
        )
    }
}

/// The platform's ADRs and small files, loaded beside the catalog.
private struct OtherParts: Sendable {
    var adrs: [ADR]
    var inventory: Inventory
    var serviceGroups: [ServiceGroup]
    var dashboards: [GrafanaDashboard]
    var applications: [ArgoApplication]
    var knownImages: KnownImages
    var problems: [LoadProblem]
}

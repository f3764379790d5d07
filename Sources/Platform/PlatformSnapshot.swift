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
    /// Documentation of the entities with `backstage.io/techdocs-ref`, rendered at load.
    public var docs: [EntityRef: TechDocs]
    /// Decision records of the entities with `backstage.io/adr-location`.
    public var entityADRs: [EntityRef: EntityADRs]
    /// Entities, ADRs and service links for `/search`.
    public var search: SearchIndex
    /// Every file, or part of one, that could not be loaded; sorted by file and line.
    public var problems: [LoadProblem]
    public var loadedAt: Date
    /// Wall time spent building this snapshot, in seconds.
    public var buildSeconds: Double

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
        let started = Date()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: paths.root, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw PlatformUnavailable(reason: "the platform root \(paths.root) is not a readable folder")
        }
        let files = PlatformFiles(root: paths.root)
        var problems: [LoadProblem] = []

        var catalogLoader = CatalogLoader(files: files)
        let catalog = catalogLoader.load(rootLocation: paths.catalog)
        problems += catalogLoader.problems

        var adrLoader = ADRLoader(files: files)
        let adrs = adrLoader.load(folder: paths.adrDir)
        problems += adrLoader.problems

        var entityADRLoader = ADRLoader(files: files)
        let entityADRs = entityADRLoader.loadEntityRecords(
            catalog: catalog, platformFolder: paths.adrDir, platformRecords: adrs)
        problems += entityADRLoader.problems

        var docsLoader = TechDocsLoader(files: files, adrFolder: paths.adrDir)
        let docs = docsLoader.load(catalog: catalog)
        problems += docsLoader.problems

        let inventory = InventoryLoader.load(file: paths.inventory, files: files, problems: &problems)
        let serviceGroups = ServiceLinksLoader.load(file: paths.services, files: files, problems: &problems)
        let dashboards = DashboardLoader.load(folder: paths.dashboardsDir, files: files, problems: &problems)
        let applications = ArgoApplicationLoader.load(folder: paths.gitopsAppsDir, files: files, problems: &problems)

        return PlatformSnapshot(
            catalog: catalog,
            adrs: adrs,
            inventory: inventory,
            serviceGroups: serviceGroups,
            dashboards: dashboards,
            argoApplications: applications,
            docs: docs,
            entityADRs: entityADRs,
            search: SearchIndex(
                catalog: catalog, adrs: adrs, serviceGroups: serviceGroups,
                more: SearchDocument.docs(docs, catalog: catalog) + SearchDocument.records(entityADRs, catalog: catalog)
            ),
            problems: problems.sorted { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) },
            loadedAt: started,
            buildSeconds: Date().timeIntervalSince(started)
        )
    }
}

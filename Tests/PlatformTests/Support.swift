import Foundation

@testable import Platform

/// The repository's root folder, found from this file's place.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Loads a platform repository with the default layout.
func loadPlatform(_ root: String) throws -> PlatformSnapshot {
    try PlatformLoader(
        paths: PlatformPaths(
            root: root, catalog: "catalog/locations.yaml", adrDir: "docs/adr", inventory: "platform/inventory.yaml",
            services: "platform/services.yaml", dashboardsDir: "monitoring/dashboards", gitopsAppsDir: "gitops/apps"
        )
    ).load()
}

/// A platform repository written to a fresh temporary folder.
func temporaryPlatform(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-platform-\(UUID().uuidString)")
        .path
    for (path, text) in files {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    return root
}

/// A minimal Component document.
func component(_ name: String, owner: String = "team", extra: String = "") -> String {
    """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: \(name)
    spec:
      type: service
      lifecycle: production
      owner: \(owner)
    \(extra)
    """
}

let teamGroup = """
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata:
      name: team
    spec:
      type: team
      children: []
    """

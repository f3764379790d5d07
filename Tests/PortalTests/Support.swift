import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Platform
@testable import Portal

/// The repository's root folder (it holds Templates/, Public/ and the fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let quietLogger: Logger = {
    var logger = Logger(label: "homeport-tests")
    logger.logLevel = .critical
    return logger
}()

func platformState(root: String) throws -> PlatformState {
    try PlatformState(loader: PlatformLoader(paths: PlatformPaths(
        root: root, catalog: "catalog/locations.yaml", adrDir: "docs/adr", inventory: "platform/inventory.yaml",
        services: "platform/services.yaml", dashboardsDir: "monitoring/dashboards", gitopsAppsDir: "gitops/apps"
    )), logger: quietLogger)
}

/// The portal's router over a platform repository, as the server builds it.
func portal(root: String = repositoryRoot + "/examples/homelab") async throws -> (Application<RouterResponder<BasicRequestContext>>, PlatformState) {
    let state = try platformState(root: root)
    let router = try await buildRouter(state: state, resourcesDirectory: repositoryRoot)
    return (Application(router: router, logger: quietLogger), state)
}

extension TestClientProtocol {
    /// GETs `path` and returns the status and the body as text.
    func page(_ path: String) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        try await execute(uri: path, method: .get) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }
}

/// A copy of a folder in a fresh temporary place, to change files under a running portal.
func copyOfFolder(_ path: String) throws -> String {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-copy-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    return copy
}

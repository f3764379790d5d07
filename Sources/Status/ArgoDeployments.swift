import Foundation

/// An Argo CD Application with what it deploys: its Git source paths and the sync and health of
/// each resource it manages (`status.resources` of `GET /api/v1/applications`).
public struct ArgoApplicationState: Sendable, Equatable {
    public struct Resource: Sendable, Equatable {
        public var group: String
        public var kind: String
        public var namespace: String
        public var name: String
        /// `Synced`, `OutOfSync`, `Unknown`.
        public var sync: String?
        /// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`; nil for kinds
        /// Argo CD keeps no health for (a ConfigMap).
        public var health: String?
        public var message: String?

        public init(
            group: String = "", kind: String, namespace: String, name: String, sync: String?, health: String?,
            message: String? = nil
        ) {
            self.group = group
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.sync = sync
            self.health = health
            self.message = message
        }
    }

    public var name: String
    /// `spec.source.path` and every `spec.sources[].path`.
    public var paths: [String]
    /// The commit Argo CD last compared with.
    public var revision: String?
    public var resources: [Resource]
    /// The application's conditions (a ComparisonError), and the message of a failed sync.
    public var messages: [String]

    public init(name: String, paths: [String], revision: String?, resources: [Resource], messages: [String]) {
        self.name = name
        self.paths = paths
        self.revision = revision
        self.resources = resources
        self.messages = messages
    }

    /// Whether this application deploys `folder` of the repository: its source path is the
    /// folder, an ancestor of it (a recursive directory app such as the example's `ai-generated`),
    /// or inside it (one application per app folder).
    public func deploys(_ folder: String) -> Bool {
        let folder = Self.trimmed(folder)
        return paths.map(Self.trimmed).contains { path in
            path == folder || folder.hasPrefix(path + "/") || path.hasPrefix(folder + "/") || path == "."
        }
    }

    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

extension ArgoCDClient {
    /// Every application with its resources, in one call: one look covers every request waiting
    /// for Argo CD.
    public func deployments() async throws(UpstreamFailure) -> [ArgoApplicationState] {
        let list = try await upstream.get("/api/v1/applications", as: DeploymentList.self)
        return (list.items ?? []).map { app in
            let sources = [app.spec?.source].compactMap { $0 } + (app.spec?.sources ?? [])
            let resources = (app.status?.resources ?? []).map { resource in
                ArgoApplicationState.Resource(
                    group: resource.group ?? "", kind: resource.kind, namespace: resource.namespace ?? "",
                    name: resource.name, sync: resource.status, health: resource.health?.status,
                    message: resource.health?.message)
            }
            // A finished sync's "successfully synced" says nothing about the app; a failed one says why.
            let operation = app.status?.operationState
            let failedSync = operation?.phase == "Failed" || operation?.phase == "Error" ? operation?.message : nil
            let messages = (app.status?.conditions ?? []).compactMap(\.message) + [failedSync].compactMap { $0 }
            return ArgoApplicationState(
                name: app.metadata.name, paths: sources.compactMap(\.path), revision: app.status?.sync?.revision,
                resources: resources, messages: messages.filter { !$0.isEmpty })
        }
    }

    private struct DeploymentList: Decodable {
        struct Application: Decodable {
            struct Metadata: Decodable { var name: String }
            struct Spec: Decodable {
                struct Source: Decodable { var path: String? }
                var source: Source?
                var sources: [Source]?
            }
            struct Status: Decodable {
                struct Sync: Decodable { var revision: String? }
                struct Health: Decodable {
                    var status: String?
                    var message: String?
                }
                struct Resource: Decodable {
                    var group: String?
                    var kind: String
                    var namespace: String?
                    var name: String
                    var status: String?
                    var health: Health?
                }
                struct Condition: Decodable { var message: String? }
                struct Operation: Decodable {
                    var phase: String?
                    var message: String?
                }
                var sync: Sync?
                var resources: [Resource]?
                var conditions: [Condition]?
                var operationState: Operation?
            }
            var metadata: Metadata
            var spec: Spec?
            var status: Status?
        }
        var items: [Application]?
    }
}

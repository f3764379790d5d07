import Foundation
import GitOps
import Status
import Store
import YAML

/// How news from the forge and Argo CD moves a request after `pr_opened`; pure, so every case is
/// a table in the tests.
public enum FollowRules {
    /// A move and the event message that explains it.
    public struct Move: Sendable, Equatable {
        public var to: RequestStatus
        public var message: String
    }

    /// The move a pull request's state calls for, or nil when the request stays where it is.
    public static func afterForge(_ status: RequestStatus, _ state: PullRequestState, appName: String) -> Move? {
        switch (status, state.phase) {
        case (.prOpened, .merged), (.closed, .merged):
            let commit = state.mergeCommit.map { " as \($0.prefix(12))" } ?? ""
            let by = state.mergedBy.map { " by \($0)" } ?? ""
            return Move(to: .merged, message: "Pull request merged\(commit)\(by); waiting for Argo CD")
        case (.prOpened, .closed):
            return Move(
                to: .closed,
                message: "Pull request closed without merging; the app name \(appName) is free for a new request")
        case (.closed, .open):
            return Move(to: .prOpened, message: "Pull request reopened")
        default:
            return nil
        }
    }

    /// A Kubernetes object a request's manifest declares.
    public struct Object: Sendable, Equatable, CustomStringConvertible {
        public var kind: String
        public var name: String

        public init(kind: String, name: String) {
            self.kind = kind
            self.name = name
        }

        public var description: String { "\(kind)/\(name)" }
    }

    /// The objects of a request's manifest (its `kind` and `metadata.name` pairs).
    public static func objects(in manifest: String) -> [Object] {
        guard let documents = try? YAML.parseDocuments(manifest) else { return [] }
        return documents.compactMap { document in
            guard let kind = document["kind"]?.string, let name = document["metadata"]?["name"]?.string else {
                return nil
            }
            return Object(kind: kind, name: name)
        }
    }

    /// What Argo CD says about a merged request's objects.
    public enum Deployment: Sendable, Equatable {
        /// Every object is Synced and Healthy in `application`.
        case deployed(application: String)
        /// Some object is Degraded or Missing (or no application deploys the folder) and the
        /// grace time after the merge is over.
        case degraded(application: String?, message: String)
        /// Not there yet (syncing, progressing, or within the grace time).
        case waiting(application: String?, message: String?)
    }

    /// Judges `objects` of the app in `folder` against the applications Argo CD lists.
    ///
    /// An object Argo CD does not list counts as Missing: Argo CD has not picked up the merge, or
    /// failed to render the folder. Degraded and Missing are reported only once `degradedAfter`
    /// seconds have passed since the merge, since every fresh deployment is Missing for a moment.
    public static func deployment(
        of objects: [Object], folder: String, namespace: String, applications: [ArgoApplicationState],
        mergedAt: Date, now: Date, degradedAfter: Double
    ) -> Deployment {
        let owners = applications.filter { $0.deploys(folder) }
        let late = now.timeIntervalSince(mergedAt) >= degradedAfter
        guard let owner = owners.first else {
            let message = "no Argo CD application deploys \(folder)"
            return late ? .degraded(application: nil, message: message) : .waiting(application: nil, message: message)
        }
        guard !objects.isEmpty else {
            return .waiting(application: owner.name, message: "the manifest names no objects to look for")
        }
        var owning = owner.name
        var bad: [String] = []
        var pending: [String] = []
        for object in objects {
            let found = owners.lazy.compactMap { app in
                app.resources.first { resource in
                    resource.kind == object.kind && resource.name == object.name
                        && (resource.namespace.isEmpty || resource.namespace == namespace)
                }.map { (app.name, $0) }
            }.first
            guard let (application, resource) = found else {
                bad.append("\(object) Missing (Argo CD does not list it)")
                continue
            }
            owning = application
            let health = resource.health
            let detail = resource.message.map { ": \($0)" } ?? ""
            if health == "Degraded" || health == "Missing" {
                bad.append("\(object) \(health ?? "")\(detail)")
            } else if resource.sync != "Synced" || !(health == nil || health == "Healthy") {
                pending.append("\(object) \(resource.sync ?? "Unknown")/\(health ?? "no health")\(detail)")
            }
        }
        if bad.isEmpty && pending.isEmpty {
            return .deployed(application: owning)
        }
        let messages = (bad + pending + owners.flatMap(\.messages)).joined(separator: "; ")
        if !bad.isEmpty && late {
            return .degraded(application: owning, message: messages)
        }
        return .waiting(application: owning, message: messages)
    }
}

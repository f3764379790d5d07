import Foundation
import Platform
import SiteURL
import Status

/// `/observability`: service links, Grafana dashboards and Argo CD applications.
struct ObservabilityModel: Sendable {
    struct Dashboard: Sendable {
        var title: String
        var description: String
        var tags: [String]
        var panels: Int
        var url: String?
        var file: String
    }

    struct Application: Sendable {
        var name: String
        var project: String
        var source: String
        var revision: String
        var namespace: String
        var syncPolicy: String
        var url: String?
        /// Live from Argo CD, when configured.
        var live: ArgoStatusModel?
        /// Argo CD has it, the GitOps folder does not.
        var notInGit: Bool
    }

    var serviceGroups: [ServiceGroupModel]
    var dashboards: [Dashboard]
    var applications: [Application]
    var hasGrafana: Bool
    /// Argo CD's live state is shown (an API URL is configured).
    var argoLive: Bool
    var argoNotice: UpstreamNotice?

    init(snapshot: PlatformSnapshot, status: LiveStatus, now: Date) {
        let grafana = snapshot.service(ofType: "grafana")?.url.trimmingSuffix("/")
        let argo = snapshot.service(ofType: "argocd")?.url.trimmingSuffix("/")
        serviceGroups = snapshot.serviceGroups.map {
            ServiceGroupModel($0, catalog: snapshot.catalog, status: status, now: now)
        }
        hasGrafana = grafana != nil
        dashboards = snapshot.dashboards.map { dashboard in
            Dashboard(
                title: dashboard.title, description: dashboard.description ?? "", tags: dashboard.tags,
                panels: dashboard.panelCount,
                url: grafana.map { "\($0)/d/\(SiteURL.encode(dashboard.uid))" }, file: dashboard.file)
        }
        let live = Dictionary(
            (status.applications?.value ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func link(_ name: String) -> String? { argo.map { "\($0)/applications/\(SiteURL.encode(name))" } }
        applications = snapshot.argoApplications.map { app in
            Application(
                name: app.name, project: app.project, source: app.source, revision: app.targetRevision ?? "",
                namespace: app.destinationNamespace ?? "", syncPolicy: app.automated ? "automated" : "manual",
                url: link(app.name), live: live[app.name].map(ArgoStatusModel.init), notInGit: false)
        }
        let declared = Set(snapshot.argoApplications.map(\.name))
        applications += live.values.filter { !declared.contains($0.name) }.sorted { $0.name < $1.name }.map { app in
            Application(
                name: app.name, project: "", source: "", revision: app.revision ?? "", namespace: "", syncPolicy: "",
                url: link(app.name), live: ArgoStatusModel(app), notInGit: true)
        }
        argoLive = status.applications != nil
        argoNotice = UpstreamNotice(status.applications, upstream: "Argo CD", now: now)
    }
}

/// An application's sync and health as Argo CD reports them, with the badge classes to show them.
struct ArgoStatusModel: Sendable {
    var sync: String
    var syncClass: String
    var health: String
    var healthClass: String

    init(_ app: ArgoAppStatus) {
        sync = app.sync
        syncClass = app.sync == "Synced" ? "state-ok" : app.sync == "OutOfSync" ? "state-warning" : "state-unknown"
        health = app.health
        switch app.health {
        case "Healthy": healthClass = "state-ok"
        case "Progressing", "Suspended": healthClass = "state-warning"
        case "Degraded", "Missing": healthClass = "state-error"
        default: healthClass = "state-unknown"
        }
    }
}

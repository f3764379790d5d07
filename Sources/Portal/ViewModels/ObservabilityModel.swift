import Platform

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
    }

    var serviceGroups: [ServiceGroupModel]
    var dashboards: [Dashboard]
    var applications: [Application]
    var hasGrafana: Bool

    init(snapshot: PlatformSnapshot) {
        let grafana = snapshot.service(ofType: "grafana")?.url.trimmingSuffix("/")
        let argo = snapshot.service(ofType: "argocd")?.url.trimmingSuffix("/")
        serviceGroups = snapshot.serviceGroups.map { ServiceGroupModel($0, catalog: snapshot.catalog) }
        hasGrafana = grafana != nil
        dashboards = snapshot.dashboards.map { dashboard in
            Dashboard(title: dashboard.title, description: dashboard.description ?? "", tags: dashboard.tags, panels: dashboard.panelCount,
                      url: grafana.map { "\($0)/d/\(PortalURL.encode(dashboard.uid))" }, file: dashboard.file)
        }
        applications = snapshot.argoApplications.map { app in
            Application(name: app.name, project: app.project, source: app.source, revision: app.targetRevision ?? "",
                        namespace: app.destinationNamespace ?? "", syncPolicy: app.automated ? "automated" : "manual",
                        url: argo.map { "\($0)/applications/\(PortalURL.encode(app.name))" })
        }
    }
}

import Hummingbird
import Provisioning
import SiteURL
import Status
import Store

/// Homeport's own pages: load errors, reload, health, readiness and metrics.
struct OperationsController {
    typealias Context = PortalRequestContext
    let state: PlatformState
    let pages: PageRenderer
    let provisioning: ProvisioningService
    let metrics: PortalMetrics
    let monitor: StatusMonitor
    /// Nil while scheduled backups are off.
    let backups: BackupLog?
    /// What the request follower did; nil when none runs.
    var follow: FollowMetrics? = nil

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/-/errors", use: errors)
        routes.post("/-/reload", use: reload)
        routes.get("/healthz", use: health)
        routes.get("/readyz", use: ready)
        routes.get("/metrics", use: exposition)
        return routes
    }

    @Sendable func errors(_ request: Request, context: Context) async throws -> HTMLPage {
        let current = state.current
        return pages.page(
            "errors", ErrorsModel(state: current, backup: backups?.current), title: "Load errors", section: .errors,
            snapshot: current.snapshot, user: context.identity, csrfToken: context.csrfToken)
    }

    /// Rebuilds the snapshot, then shows the errors page with the outcome.
    @Sendable func reload(_ request: Request, context: Context) async throws -> Response {
        _ = await Task.detached { state.reload() }.value
        return Response(status: .seeOther, headers: [.location: SiteURL.errors.path])
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> String {
        "ok\n"
    }

    /// Ready when the platform snapshot is loaded (it always is once serving) and the database answers.
    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        guard await provisioning.store.isAnswering() else {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "not ready: the database does not answer\n")))
        }
        let snapshot = state.snapshot
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(
                byteBuffer: ByteBuffer(
                    string:
                        "ready: \(snapshot.catalog.entities.count) entities, \(snapshot.problems.count) load problems\n"
                )))
    }

    /// Prometheus text format: HTTP requests and latency by route, app requests by status, the snapshot.
    @Sendable func exposition(_ request: Request, context: Context) async throws -> Response {
        let current = state.current
        let snapshot = current.snapshot
        let cached = current.pageCache.usage
        let counts = (try? await provisioning.store.countsByStatus()) ?? [:]
        let text =
            metrics.exposition(gauges: [
                (
                    "homeport_app_requests", "App requests by status.",
                    RequestStatus.allCases.map { (labels: "status=\"\($0.rawValue)\"", value: Double(counts[$0] ?? 0)) }
                ),
                (
                    "homeport_platform_entities", "Catalog entities in the current snapshot.",
                    [(labels: "", value: Double(snapshot.catalog.entities.count))]
                ),
                (
                    "homeport_platform_load_problems", "Files, or parts of files, that failed to load.",
                    [(labels: "", value: Double(snapshot.problems.count))]
                ),
                (
                    "homeport_platform_loaded_timestamp_seconds", "When the current snapshot was built.",
                    [(labels: "", value: snapshot.loadedAt.timeIntervalSince1970)]
                ),
                (
                    "homeport_platform_build_seconds", "Time taken to build the current snapshot.",
                    [(labels: "", value: snapshot.buildSeconds)]
                ),
                (
                    "homeport_page_cache_bytes", "Bytes of rendered pages cached for the current snapshot.",
                    [(labels: "", value: Double(cached.bytes))]
                ),
                (
                    "homeport_page_cache_pages", "Rendered pages cached for the current snapshot.",
                    [(labels: "", value: Double(cached.pages))]
                ),
            ]) + (monitor.families() + (backups?.families() ?? []) + (follow?.families() ?? [])).map(\.text).joined()
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

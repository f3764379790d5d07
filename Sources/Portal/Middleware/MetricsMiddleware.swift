import Foundation
import Hummingbird

/// Counts every request and times it, by route pattern, for `/metrics`.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: PortalMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        func seconds() -> Double { started.duration(to: .now) / .seconds(1) }
        do {
            let response = try await next(request, context)
            metrics.record(
                route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                status: response.status.code,
                seconds: seconds())
            return response
        } catch {
            let status = (error as? HTTPResponseError)?.status.code ?? 500
            metrics.record(
                route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status,
                seconds: seconds())
            throw error
        }
    }
}

import Config
import Foundation
import HTTPTypes
import Hummingbird

/// One structured log line per request worth logging, carrying Hummingbird's request id, which
/// every response also gets as `X-Request-Id` so that a user's report can be found in the log.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    typealias Logging = HomeportConfig.RequestLogging
    let logging: Logging

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        func log(_ status: Int) {
            guard logging == .all || (logging == .errors && status >= 400) else { return }
            context.logger.info(
                "request",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)",
                    "route": "\(context.endpointPath ?? "unmatched")",
                    "status": "\(status)", "ms": "\(Int((started.duration(to: .now) / .milliseconds(1)).rounded()))",
                ])
        }
        do {
            var response = try await next(request, context)
            response.headers.append(HTTPField(name: .requestID, value: context.id))
            log(response.status.code)
            return response
        } catch {
            log((error as? HTTPResponseError)?.status.code ?? 500)
            throw error
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}

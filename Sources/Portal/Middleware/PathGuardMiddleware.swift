import Foundation
import Hummingbird

/// Refuses paths no page has: a `..` segment or a NUL or other control character once
/// percent-decoded. The routes would answer 404 anyway, but the static file handler hands the
/// decoded path to the file system, where a NUL cuts the name short (`homeport.css%00.html`).
struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let decoded = request.uri.path.removingPercentEncoding ?? ""
        let segments = decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard !decoded.isEmpty, !segments.contains(".."),
            !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw HTTPError(.badRequest, message: "This address is not valid.")
        }
        return try await next(request, context)
    }
}

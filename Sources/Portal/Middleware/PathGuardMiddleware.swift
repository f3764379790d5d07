import Foundation
import Hummingbird

/// Refuses paths no page has: a `..` segment or a NUL or other control character once
/// percent-decoded. The routes would answer 404 anyway, but the static file handler hands the
/// decoded path to the file system, where a NUL cuts the name short (`homeport.css%00.html`).
struct PathGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        // Most paths are printable ASCII without `%`: nothing to decode and no control character,
        // so no trip through Foundation for every request.
        let isPlain = path.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") }
        let decoded = isPlain ? path : (path.removingPercentEncoding ?? "")
        guard !decoded.isEmpty, !Self.hasParentSegment(decoded),
            isPlain || !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw HTTPError(.badRequest, message: "This address is not valid.")
        }
        return try await next(request, context)
    }

    /// Whether a segment between `/` or `\` separators is `..`, read byte by byte: splitting
    /// the path made an array of substrings on every request.
    static func hasParentSegment(_ path: String) -> Bool {
        var segmentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
                if segmentLength == 2, dots == 2 { return true }
                (segmentLength, dots) = (0, 0)
            } else {
                segmentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        return segmentLength == 2 && dots == 2
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Zlib

/// Serves `Public/` under `/static/` from memory: files read and compressed once at start, an
/// `ETag` for revalidation (`If-None-Match` → 304), and a short `Cache-Control` lifetime since
/// the URLs carry no version.
struct StaticAssetsMiddleware<Context: RequestContext>: RouterMiddleware {
    struct Asset: Sendable {
        var body: ByteBuffer
        /// The gzip encoding, kept only when it saves at least a tenth of the bytes.
        var gzipped: ByteBuffer?
        var contentType: String
        var etag: String
    }

    static var cacheControl: String { "public, max-age=300" }

    /// `urlBasePath` and a slash: what every asset's path starts with.
    private let assetPrefix: String
    private let assets: [String: Asset]

    /// Reads every regular file of `directory` (not its subfolders).
    init(directory: String, urlBasePath: String = "/static") throws {
        assetPrefix = urlBasePath + "/"
        var assets: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            let bytes = [UInt8](data)
            let gzipped = Gzip.compress(bytes).flatMap { $0.count * 10 <= bytes.count * 9 ? $0 : nil }
            assets[assetPrefix + name] = Asset(
                body: ByteBuffer(bytes: bytes), gzipped: gzipped.map { ByteBuffer(bytes: $0) },
                contentType: Self.contentType(of: name), etag: Self.etag(of: bytes)
            )
        }
        self.assets = assets
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // The prefix first, so that no page's path is hashed to learn that it is no asset.
        let path = request.uri.path
        guard request.method == .get || request.method == .head, path.utf8.starts(with: assetPrefix.utf8),
            let asset = assets[path]
        else {
            return try await next(request, context)
        }
        var headers: HTTPFields = [.eTag: asset.etag, .cacheControl: Self.cacheControl]
        if asset.gzipped != nil { headers[.vary] = "Accept-Encoding" }
        if let tags = request.headers[.ifNoneMatch],
            tags == "*"
                || tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == asset.etag })
        {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        var body = asset.body
        if let gzipped = asset.gzipped, AcceptEncoding.allowsGzip(request.headers[.acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            body = gzipped
        }
        headers[.contentLength] = String(body.readableBytes)
        return Response(
            status: .ok, headers: headers,
            body: request.method == .head ? ResponseBody() : ResponseBody(byteBuffer: body))
    }

    private static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "txt": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }

    /// A strong validator from the content (64-bit FNV-1a): the same bytes give the same tag
    /// across restarts, so a redeploy that changes nothing keeps browsers' copies valid.
    private static func etag(of bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "\""
    }
}

import Hummingbird

/// A rendered HTML page with its status.
struct HTMLPage: ResponseGenerator {
    var body: ByteBuffer
    var status: HTTPResponse.Status = .ok
    /// The page holds a form's CSRF token, which belongs to one browser: it must never be cached.
    var carriesCSRFToken = false

    init(body: ByteBuffer, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    init(html: String, status: HTTPResponse.Status = .ok) {
        self.init(body: ByteBuffer(string: html), status: status)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: body)
        )
    }
}

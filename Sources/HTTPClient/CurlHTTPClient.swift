import CCurl
import Dispatch
import Foundation

/// Every outbound HTTP call Homeport makes goes through this libcurl client.
///
/// libcurl's easy interface blocks, so each transfer runs on a Dispatch worker rather than on
/// Swift's cooperative pool, and the calling task awaits its result.
public struct CurlHTTPClient: Sendable {
    public init() {
        Self.globalInit
    }

    /// Sends `request` and returns the whole response; throws `HTTPClientError` when no response arrived.
    public func send(_ request: UpstreamRequest) async throws(HTTPClientError) -> UpstreamResponse {
        let result: Result<UpstreamResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.perform(request))
            }
        }
        return try result.get()
    }

    // curl_global_init is not thread-safe; run it exactly once, before the first handle.
    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    private static func perform(_ request: UpstreamRequest) -> Result<UpstreamResponse, HTTPClientError> {
        guard let handle = curl_easy_init() else {
            return .failure(HTTPClientError(kind: .other, message: "curl_easy_init failed"))
        }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl adds "Expect: 100-continue" to larger bodies; upstreams gain nothing from the extra round trip.
        headerList = curl_slist_append(headerList, "Expect:")

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            hp_setopt_string(handle, CURLOPT_URL, request.url)
            hp_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            hp_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            hp_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
            hp_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            hp_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
            hp_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            if let caBundle = request.caBundlePath {
                hp_setopt_string(handle, CURLOPT_CAINFO, caBundle)
            }
            switch request.method {
            case "GET": break
            case "HEAD": hp_setopt_long(handle, CURLOPT_NOBODY, 1)
            default: hp_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            }
            if let body = request.body {
                // COPYPOSTFIELDS copies the bytes, so they need not outlive this call.
                hp_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                if body.isEmpty {
                    hp_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                } else {
                    body.withUnsafeBytes { bytes in
                        _ = hp_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                    }
                }
            }
            hp_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque())
            hp_setopt_write_function(handle) { data, size, count, userdata in
                let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
                sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
                return size * count
            }
            hp_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer.toOpaque())
            hp_setopt_header_function(handle) { data, size, count, userdata in
                let sink = Unmanaged<ResponseSink>.fromOpaque(userdata!).takeUnretainedValue()
                sink.receiveHeaderLine(String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
                return size * count
            }
            return curl_easy_perform(handle)
        }

        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return .failure(HTTPClientError(kind: Self.kind(of: code), message: message))
        }
        var status = 0
        hp_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(UpstreamResponse(status: status, headers: sink.headers, body: sink.body))
    }

    private static func kind(of code: CURLcode) -> HTTPClientError.Kind {
        switch code {
        case CURLE_COULDNT_CONNECT: return .connectionRefused
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .dns
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
            return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: return .connectionReset
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .invalidRequest
        default: return .other
        }
    }
}

/// Collects one transfer's headers and body from libcurl's callbacks (all on the transfer's thread).
private final class ResponseSink {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    func receiveHeaderLine(_ line: String) {
        // A new status line starts a new header block (after redirects or 100 Continue).
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers.append((name, value))
    }
}

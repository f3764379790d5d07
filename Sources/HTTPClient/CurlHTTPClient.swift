import CCurl
import Dispatch
import Foundation
import Synchronization

/// Every outbound HTTP call Homeport makes goes through this libcurl client.
///
/// libcurl's easy interface blocks, so each transfer runs on a thread of its own rather than on
/// Swift's cooperative pool, and the calling task awaits its result. Cancelling that task aborts the
/// transfer (`HTTPClientError.Kind.cancelled`) within about a second.
public struct CurlHTTPClient: Sendable {
    /// The CAs trusted by requests that name no `caBundlePath` of their own.
    public let trust: TLSTrust

    public init(trust: TLSTrust = .system) {
        Self.globalInit
        self.trust = trust
    }

    /// Sends `request` and returns the whole response; throws `HTTPClientError` when no response arrived.
    public func send(_ request: UpstreamRequest) async throws(HTTPClientError) -> UpstreamResponse {
        try await transfer(request, streaming: nil)
    }

    /// Sends `request` and hands the body to `onChunk` piece by piece, as it arrives.
    ///
    /// Returns the status and headers once the body is complete, with an empty `body` — unless the
    /// status is not 2xx: then nothing goes to `onChunk` and the whole body is returned, so that the
    /// caller can read the upstream's error.
    ///
    /// - Parameters:
    ///   - firstByteTimeout: longest wait, from the start, for the first byte of the body.
    ///   - idleTimeout: longest silence between two chunks once the body has started.
    ///   - onChunk: called in order on the transfer's thread; keep it short.
    ///
    /// `request.timeout` still bounds the whole exchange. Limits are checked whenever data arrives and
    /// about once a second while the connection is quiet, so a limit fires up to a second late.
    public func stream(
        _ request: UpstreamRequest,
        firstByteTimeout: Double?,
        idleTimeout: Double?,
        onChunk: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(HTTPClientError) -> UpstreamResponse {
        try await streamUntilStopped(request, firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout) { chunk in
            onChunk(chunk)
            return .proceed
        }
    }

    /// Like `stream(_:firstByteTimeout:idleTimeout:onChunk:)`, but `consume` may end the transfer early
    /// by returning `.stop` (a parser that has seen the end, or garbage); the call then returns normally.
    public func streamUntilStopped(
        _ request: UpstreamRequest,
        firstByteTimeout: Double?,
        idleTimeout: Double?,
        consume: @escaping @Sendable ([UInt8]) -> StreamAction
    ) async throws(HTTPClientError) -> UpstreamResponse {
        try await transfer(
            request,
            streaming: Streaming(firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout, consume: consume))
    }

    private func transfer(_ request: UpstreamRequest, streaming: Streaming?) async throws(HTTPClientError)
        -> UpstreamResponse
    {
        let cancellation = CancellationFlag()
        let result: Result<UpstreamResponse, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // A thread of its own, not a Dispatch worker: Dispatch's global pool on Linux runs about
                // twice as many blocking items as there are cores, so a few long streams would hold up
                // every other request behind them.
                let thread = Thread {
                    continuation.resume(
                        returning: Self.perform(request, trust: trust, streaming: streaming, cancellation: cancellation)
                    )
                }
                thread.name = "homeport-curl"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    // curl_global_init is not thread-safe; run it exactly once, before the first handle.
    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    private static func perform(
        _ request: UpstreamRequest, trust: TLSTrust, streaming: Streaming?, cancellation: CancellationFlag
    ) -> Result<UpstreamResponse, HTTPClientError> {
        // libcurl writes a failure's text into this buffer during curl_easy_perform and keeps the
        // pointer until the handle is cleaned up, so it is allocated before the handle and freed
        // after it (defers run in reverse order).
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        guard let handle = curl_easy_init() else {
            return .failure(HTTPClientError(kind: .other, message: "curl_easy_init failed"))
        }
        defer { curl_easy_cleanup(handle) }

        let transfer = Transfer(handle: handle, streaming: streaming, cancellation: cancellation)
        let transferPointer = Unmanaged.passRetained(transfer)
        defer { transferPointer.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // libcurl adds "Expect: 100-continue" to larger bodies; upstreams gain nothing from the extra round trip.
        headerList = curl_slist_append(headerList, "Expect:")

        let code: CURLcode = {
            hp_setopt_string(handle, CURLOPT_URL, request.url)
            // Only HTTP(S), whatever the URL says: no file://, gopher://, dict:// from a
            // configured or user-influenced address, and none through a redirect either.
            hp_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
            hp_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            hp_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            hp_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
            hp_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
            hp_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
            hp_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
            hp_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            if let caBundle = request.caBundlePath {
                hp_setopt_string(handle, CURLOPT_CAINFO, caBundle)
            } else if let pem = trust.pem {
                pem.withUnsafeBytes { bytes in
                    _ = hp_setopt_blob(handle, CURLOPT_CAINFO_BLOB, bytes.baseAddress, bytes.count)
                }
            }
            if !request.verifyTLS {
                hp_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
                hp_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
            }
            if request.collectCertificate {
                hp_setopt_long(handle, CURLOPT_CERTINFO, 1)
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
                        _ = hp_setopt_pointer(
                            handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                    }
                }
            }
            hp_setopt_pointer(handle, CURLOPT_WRITEDATA, transferPointer.toOpaque())
            hp_setopt_write_function(handle) { data, size, count, userdata in
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
                let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
                // Taking fewer bytes than offered makes libcurl end the transfer (CURLE_WRITE_ERROR).
                return accepted ? size * count : 0
            }
            hp_setopt_pointer(handle, CURLOPT_HEADERDATA, transferPointer.toOpaque())
            hp_setopt_header_function(handle) { data, size, count, userdata in
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
                transfer.receiveHeaderLine(
                    String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self))
                return size * count
            }
            hp_setopt_xferinfo_function(
                handle,
                { userdata, _, _, _, _ in
                    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
                    return transfer.withinLimits() ? 0 : 1
                }, transferPointer.toOpaque())
            transfer.start()
            return curl_easy_perform(handle)
        }()

        if code != CURLE_OK && !transfer.stoppedByConsumer {
            // Our callbacks ended the transfer (CURLE_ABORTED_BY_CALLBACK or CURLE_WRITE_ERROR): say why.
            if let failure = transfer.failure {
                return .failure(failure)
            }
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let kind = Self.kind(of: code)
            var limit: HTTPClientError.TimeoutLimit?
            if kind == .timeout {
                var connectTime = 0.0
                hp_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectTime)
                limit = connectTime > 0 ? .total : .connect
            }
            return .failure(
                HTTPClientError(
                    kind: kind, message: message, timeoutLimit: limit, host: Self.authority(of: request.url)))
        }
        var status = 0
        hp_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let certificate = request.collectCertificate ? peerCertificate(handle) : nil
        return .success(
            UpstreamResponse(status: status, headers: transfer.headers, body: transfer.body, certificate: certificate))
    }

    /// `host:port` of `url` (the port explicit or the scheme's), as a failure names the server.
    static func authority(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        let port = components.port ?? (components.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(host):\(port)"
    }

    /// The first certificate of the chain libcurl collected (the server's own); nil over plain HTTP.
    private static func peerCertificate(_ handle: UnsafeMutableRawPointer) -> PeerCertificate? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard hp_getinfo_certinfo(handle, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
            var item = info.pointee.certinfo[0]
        else { return nil }
        var fields: [String: String] = [:]
        while true {
            let line = String(cString: item.pointee.data)
            if let colon = line.firstIndex(of: ":") {
                fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
            }
            guard let next = item.pointee.next else { break }
            item = next
        }
        return PeerCertificate(fields: fields)
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
        // Only the progress callback aborts this way, and it records its reason; this is the fallback.
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        default: return .other
        }
    }
}

/// The streaming half of a transfer: its limits and where the body goes.
private struct Streaming: Sendable {
    var firstByteTimeout: Double?
    var idleTimeout: Double?
    var consume: @Sendable ([UInt8]) -> StreamAction
}

/// Set from the task's cancellation handler, read on the transfer's thread.
private final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool {
        cancelled.load(ordering: .relaxed)
    }
}

/// One transfer's state, fed by libcurl's callbacks (all on the transfer's thread).
private final class Transfer {
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// Why a callback ended the transfer.
    private(set) var failure: HTTPClientError?
    /// The consumer asked to stop: not a failure.
    private(set) var stoppedByConsumer = false

    private let handle: UnsafeMutableRawPointer
    private let streaming: Streaming?
    private let cancellation: CancellationFlag
    private var startedAt: UInt64 = 0
    /// When the last body byte came; nil until the first.
    private var lastByteAt: UInt64?
    /// Whether the body goes to the consumer: streaming, and a 2xx status. Decided at the first body byte.
    private var bodyIsStreamed: Bool?

    init(handle: UnsafeMutableRawPointer, streaming: Streaming?, cancellation: CancellationFlag) {
        self.handle = handle
        self.streaming = streaming
        self.cancellation = cancellation
    }

    func start() {
        startedAt = DispatchTime.now().uptimeNanoseconds
    }

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

    /// Takes a piece of the body; false ends the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard withinLimits() else { return false }
        lastByteAt = DispatchTime.now().uptimeNanoseconds
        if bodyIsStreamed == nil {
            var status = 0
            hp_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            bodyIsStreamed = streaming != nil && (200..<300).contains(status)
        }
        guard bodyIsStreamed == true, let streaming else {
            body.append(contentsOf: bytes)
            return true
        }
        if streaming.consume(Array(bytes)) == .stop {
            stoppedByConsumer = true
            return false
        }
        return true
    }

    /// False, with `failure` set, once the task is cancelled or a streaming limit has run out.
    func withinLimits() -> Bool {
        if failure != nil { return false }
        if cancellation.isCancelled {
            failure = HTTPClientError(kind: .cancelled, message: "the request was cancelled")
            return false
        }
        guard let streaming else { return true }
        let now = DispatchTime.now().uptimeNanoseconds
        if let lastByteAt {
            if let idle = streaming.idleTimeout, Self.seconds(from: lastByteAt, to: now) >= idle {
                failure = HTTPClientError(
                    kind: .timeout, message: "stalled: nothing for \(secondsText(idle))", timeoutLimit: .idle)
                return false
            }
        } else if let first = streaming.firstByteTimeout, Self.seconds(from: startedAt, to: now) >= first {
            failure = HTTPClientError(
                kind: .timeout, message: "no response within \(secondsText(first))", timeoutLimit: .firstByte)
            return false
        }
        return true
    }

    private static func seconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1_000_000_000
    }
}

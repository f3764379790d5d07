import Foundation
import HTTPClient

/// One upstream Homeport reads JSON from (the Kubernetes API, Prometheus, Alertmanager, Argo CD),
/// through the libcurl client, each call bounded by `timeout` and counted in `UpstreamMetrics`.
public struct JSONUpstream: Sendable {
    /// The metrics label (`kubernetes`, `prometheus`...).
    public var target: String
    public var baseURL: String
    /// A PEM bundle of CAs to trust (private CA), if not the system's.
    public var caBundle: String?
    public var timeout: Double
    /// Extra headers, read for each call (a service-account token file may be rotated).
    public var headers: @Sendable () throws -> [(name: String, value: String)]
    let metrics: UpstreamMetrics
    /// Carries the trust of `tls.ca_file`, used when `caBundle` is nil.
    let http: CurlHTTPClient

    public init(
        target: String, baseURL: String, caBundle: String?, timeout: Double, metrics: UpstreamMetrics,
        http: CurlHTTPClient = .init(),
        headers: @escaping @Sendable () throws -> [(name: String, value: String)] = { [] }
    ) {
        self.http = http
        self.target = target
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.caBundle = caBundle
        self.timeout = timeout
        self.metrics = metrics
        self.headers = headers
    }

    /// GETs `path` and decodes the body; every failure becomes an `UpstreamFailure` worth showing.
    public func get<T: Decodable>(_ path: String, as type: T.Type) async throws(UpstreamFailure) -> T {
        let started = ContinuousClock.now
        var failed = true
        defer { metrics.record(target: target, seconds: started.duration(to: .now) / .seconds(1), failed: failed) }
        let extra: [(name: String, value: String)]
        do {
            extra = try headers()
        } catch {
            throw UpstreamFailure("\(error)")
        }
        let request = UpstreamRequest(
            url: baseURL + path, headers: [("Accept", "application/json")] + extra,
            connectTimeout: timeout, timeout: timeout, caBundlePath: caBundle)
        let response: UpstreamResponse
        do {
            response = try await http.send(request)
        } catch {
            throw UpstreamFailure(error, timeout: timeout)
        }
        guard (200..<300).contains(response.status) else {
            throw UpstreamFailure(status: response.status, body: response.text)
        }
        do {
            let value = try JSONDecoder.upstream.decode(T.self, from: Data(response.body))
            failed = false
            return value
        } catch {
            throw UpstreamFailure("unexpected answer from \(target): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        default: return "\(error)"
        }
    }
}

extension UpstreamFailure {
    /// A transport failure: "timed out after 5 s", "TLS failure: SSL certificate problem: ...".
    public init(_ error: HTTPClientError, timeout: Double) {
        switch error.kind {
        case .timeout: self.init("timed out after \(secondsText(timeout))")
        case .tls: self.init(error.description)
        default: self.init("\(error.kind.rawValue): \(error.message)")
        }
    }

    /// A status outside 2xx, with the start of the body (upstreams explain themselves there).
    init(status: Int, body: String) {
        let detail = body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)
        self.init(detail.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(detail)")
    }
}

extension JSONDecoder {
    /// Kubernetes, Alertmanager and Argo CD write RFC 3339 times, with or without fractions.
    static var upstream: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: try decoder.singleValueContainer(), debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }
}

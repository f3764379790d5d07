import Foundation

/// An outbound HTTP request, as Homeport's upstream clients describe it.
public struct UpstreamRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Longest time to establish the connection (TCP and TLS), in seconds.
    public var connectTimeout: Double
    /// Longest time for the whole exchange, in seconds.
    public var timeout: Double
    /// PEM bundle of certificate authorities to trust instead of the system's and the client's
    /// `TLSTrust` (a per-integration override such as `kubernetes.ca_file`).
    public var caBundlePath: String?
    /// False accepts any certificate and host name (an explicit, visible per-service choice).
    public var verifyTLS: Bool
    /// Read the peer's certificate (expiry, issuer) into `UpstreamResponse.certificate`.
    public var collectCertificate: Bool

    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        connectTimeout: Double = 5,
        timeout: Double = 30,
        caBundlePath: String? = nil,
        verifyTLS: Bool = true,
        collectCertificate: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caBundlePath = caBundlePath
        self.verifyTLS = verifyTLS
        self.collectCertificate = collectCertificate
    }
}

/// A complete HTTP response.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The server's certificate, for HTTPS requests that asked for it.
    public var certificate: PeerCertificate?

    public init(
        status: Int, headers: [(name: String, value: String)], body: [UInt8], certificate: PeerCertificate? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.certificate = certificate
    }

    /// The last value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why an exchange failed before a response arrived.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case connectionRefused = "connection refused"
        case timeout = "timed out"
        case dns = "host not found"
        case tls = "TLS failure"
        case connectionReset = "connection reset"
        case invalidRequest = "invalid request"
        /// The calling task was cancelled, and the transfer with it.
        case cancelled = "cancelled"
        case other = "transfer failed"
    }

    /// Which limit ran out, for a `.timeout`.
    public enum TimeoutLimit: String, Sendable {
        /// `UpstreamRequest.connectTimeout`: no connection was established.
        case connect
        /// A streaming transfer's `firstByteTimeout`: no byte of the body came, counting from the start.
        case firstByte
        /// A streaming transfer's `idleTimeout`: the body started, then stopped coming.
        case idle
        /// `UpstreamRequest.timeout`: the whole exchange took too long.
        case total
    }

    public var kind: Kind
    /// libcurl's own words (or ours, for limits libcurl does not know), for logs and error pages.
    public var message: String
    /// Set when `kind` is `.timeout`.
    public var timeoutLimit: TimeoutLimit?
    /// `host:port` of the server the request was for, when libcurl failed talking to it.
    public var host: String?

    public init(kind: Kind, message: String, timeoutLimit: TimeoutLimit? = nil, host: String? = nil) {
        self.kind = kind
        self.message = message
        self.timeoutLimit = timeoutLimit
        self.host = host
    }

    /// "TLS failure talking to gitea.example:8443: SSL certificate problem: unable to get local issuer certificate".
    public var description: String {
        host.map { "\(kind.rawValue) talking to \($0): \(message)" } ?? "\(kind.rawValue): \(message)"
    }
}

/// What a streaming consumer wants after a chunk.
public enum StreamAction: Sendable {
    /// Keep reading.
    case proceed
    /// End the transfer now; the stream call returns normally with what arrived so far.
    case stop
}

/// What Homeport shows about a server's TLS certificate.
public struct PeerCertificate: Sendable, Equatable {
    /// The end of the validity period (`notAfter`).
    public var expiresAt: Date?
    /// The issuer's distinguished name, as OpenSSL prints it (`CN = Homelab Root CA, O = Homelab`).
    public var issuer: String?
    public var subject: String?

    public init(expiresAt: Date?, issuer: String?, subject: String?) {
        self.expiresAt = expiresAt
        self.issuer = issuer
        self.subject = subject
    }

    /// Reads libcurl's certificate fields (`"Expire date"` is OpenSSL's `Nov 28 21:12:34 2026 GMT`).
    init(fields: [String: String]) {
        self.init(
            expiresAt: fields["Expire date"].flatMap(Self.parseDate), issuer: fields["Issuer"],
            subject: fields["Subject"])
    }

    public static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        // OpenSSL pads single-digit days with a space: "Nov  8".
        return formatter.date(from: text.split(separator: " ").joined(separator: " "))
    }
}

import CCurl
import Foundation

/// The certificate authorities outbound HTTPS calls trust when a request names no CA bundle of
/// its own: the system's, plus the homelab's CA (`tls.ca_file`).
///
/// libcurl's `CAINFO` *replaces* the system bundle, so trusting a private CA "in addition" means
/// handing libcurl both: the system bundle and the extra CAs joined once, at start, and given to
/// each transfer from memory (`CURLOPT_CAINFO_BLOB`).
public struct TLSTrust: Sendable, Equatable {
    /// The joined PEM bundle; nil leaves libcurl's default (the system's) alone.
    public let pem: [UInt8]?

    /// libcurl's default: the system's CAs alone.
    public static let system = TLSTrust(pem: nil)

    private init(pem: [UInt8]?) {
        self.pem = pem
    }

    /// The system's CAs and those of the PEM file at `caFile`.
    ///
    /// - Parameter systemBundle: the system's bundle; by default the one libcurl was built with,
    ///   else the usual places of Debian, Fedora and Alpine.
    /// - Throws: `TLSTrustError` when `caFile` is unreadable or holds no certificate.
    public init(addingCAFile caFile: String, systemBundle: String? = TLSTrust.systemBundlePath()) throws(TLSTrustError)
    {
        guard let extra = FileManager.default.contents(atPath: caFile) else {
            throw TLSTrustError(reason: "cannot read \(caFile)")
        }
        guard String(decoding: extra, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw TLSTrustError(reason: "\(caFile) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        var bundle = systemBundle.flatMap { FileManager.default.contents(atPath: $0) }.map(Array.init) ?? []
        if let last = bundle.last, last != UInt8(ascii: "\n") { bundle.append(UInt8(ascii: "\n")) }
        bundle += extra
        self.init(pem: bundle)
    }

    /// The system's CA bundle: libcurl's compiled-in default if it exists, else the first of the
    /// distributions' usual files that does.
    public static func systemBundlePath() -> String? {
        let compiledIn = hp_default_cainfo().map { String(cString: $0) }
        let candidates =
            [compiledIn].compactMap { $0 } + [
                "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
            ]
        return candidates.first { FileManager.default.isReadableFile(atPath: $0) }
    }
}

/// Why the extra CA file cannot be used; stops the start.
public struct TLSTrustError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

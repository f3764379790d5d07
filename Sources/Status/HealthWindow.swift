import Foundation
import HTTPClient

/// One check of a service.
public struct HealthSample: Sendable {
    public var at: Date
    /// Whether the answer had an expected status.
    public var isUp: Bool
    /// HTTP status, when one came.
    public var status: Int?
    /// Time to the whole answer, in seconds, when one came.
    public var latency: Double?
    /// Why the check failed: an unexpected status, the TLS failure, "timed out after 5 s"...
    public var failure: String?
    public var certificate: PeerCertificate?

    public init(at: Date, isUp: Bool, status: Int?, latency: Double?, failure: String?, certificate: PeerCertificate?) {
        self.at = at
        self.isUp = isUp
        self.status = status
        self.latency = latency
        self.failure = failure
        self.certificate = certificate
    }
}

/// The newest samples of one service, at most `capacity` of them, oldest first.
public struct HealthWindow: Sendable {
    public let capacity: Int
    public private(set) var samples: [HealthSample] = []

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    public mutating func append(_ sample: HealthSample) {
        samples.append(sample)
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    public var latest: HealthSample? { samples.last }

    /// Share of samples that were up, 0...1; nil before the first.
    public var uptime: Double? {
        samples.isEmpty ? nil : Double(samples.filter(\.isUp).count) / Double(samples.count)
    }

    /// The newest certificate seen (a failed check may have none).
    public var certificate: PeerCertificate? {
        samples.last { $0.certificate != nil }?.certificate
    }
}

/// How soon a certificate expires, as pages grade it.
public enum CertificateUrgency: String, Sendable {
    case ok, warning, error

    /// Warning under 14 days, error under 3 days or once expired.
    public static func of(daysLeft: Int) -> CertificateUrgency {
        daysLeft < 3 ? .error : daysLeft < 14 ? .warning : .ok
    }
}

extension PeerCertificate {
    /// Whole days from `now` to the expiry, rounded to the nearest (negative once expired).
    public func daysLeft(now: Date) -> Int? {
        expiresAt.map { Int(($0.timeIntervalSince(now) / 86_400).rounded()) }
    }
}

/// The points of a latency sparkline in a `width` × `height` box, oldest on the left, the slowest
/// at the top. Checks that got no answer have no latency and are left out (the uptime counts them).
public enum Sparkline {
    public static func points(_ latencies: [Double], width: Double, height: Double) -> String? {
        guard latencies.count > 1, let highest = latencies.max() else { return nil }
        let step = width / Double(latencies.count - 1)
        return latencies.enumerated().map { index, latency in
            "\(tenths(Double(index) * step)),\(tenths(height - latency / max(highest, 0.000_001) * height))"
        }.joined(separator: " ")
    }

    /// One decimal, without `String(format:)`, which is slow on Linux and runs per point per page.
    private static func tenths(_ value: Double) -> String {
        let scaled = Int((value * 10).rounded())
        return "\(scaled / 10).\(abs(scaled % 10))"
    }
}

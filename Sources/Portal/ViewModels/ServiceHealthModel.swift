import Foundation
import Platform
import Status

/// A checked service's state on its card: dot, latency, failure, certificate, uptime, sparkline.
struct ServiceHealthModel: Sendable {
    struct Certificate: Sendable {
        var text: String
        /// `cert-ok`, `cert-warning` or `cert-error`.
        var cssClass: String
        var issuer: String?
    }

    /// `dot-up`, `dot-down` or `dot-pending`.
    var dotClass: String
    var stateLabel: String
    /// "up · 42 ms · uptime 98% over the last 60 checks", built here rather than in the template:
    /// a card is rendered per service on every view of `/`.
    var summary: String
    var failure: String?
    /// Polyline points in a 100 × 20 box.
    var sparkline: String?
    var certificate: Certificate?
    var tlsUnverified: Bool

    init(check: ServiceCheck, window: HealthWindow?, now: Date) {
        tlsUnverified = check.skipTLSVerify
        guard let window, let latest = window.latest else {
            dotClass = "dot-pending"
            stateLabel = "not checked yet"
            summary = stateLabel
            return
        }
        dotClass = latest.isUp ? "dot-up" : "dot-down"
        stateLabel = latest.isUp ? "up" : "down"
        let latency = latest.latency.map { "\(Int(($0 * 1000).rounded())) ms" }
        let uptime = window.uptime.map { ratio in
            "uptime \(Self.percent(ratio)) over the last \(window.samples.count == 1 ? "check" : "\(window.samples.count) checks")"
        }
        summary = [stateLabel, latency, uptime].compactMap { $0 }.joined(separator: " · ")
        failure = latest.failure
        sparkline = Sparkline.points(window.samples.compactMap(\.latency), width: 100, height: 20)
        if let certificate = window.certificate, let days = certificate.daysLeft(now: now) {
            let text =
                days < 0
                ? "certificate expired \(-days) day\(days == -1 ? "" : "s") ago"
                : days == 1 ? "certificate expires in 1 day" : "certificate expires in \(days) days"
            self.certificate = Certificate(
                text: text, cssClass: "cert-\(CertificateUrgency.of(daysLeft: days).rawValue)",
                issuer: certificate.issuer)
        }
    }

    static func percent(_ ratio: Double) -> String {
        let value = ratio * 100
        return value.rounded() == value ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}

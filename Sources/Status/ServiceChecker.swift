import Foundation
import HTTPClient
import Platform

/// Checks one service: a GET through the libcurl client, bounded by the check's own timeout.
public struct ServiceChecker: Sendable {
    let metrics: UpstreamMetrics
    /// Carries the trust of `tls.ca_file`, used by checks without a `ca_bundle` of their own.
    let http: CurlHTTPClient

    public init(metrics: UpstreamMetrics, http: CurlHTTPClient = .init()) {
        self.metrics = metrics
        self.http = http
    }

    public func check(_ check: ServiceCheck, service: String) async -> HealthSample {
        let request = UpstreamRequest(
            url: check.url, headers: [("User-Agent", "Homeport health check")],
            connectTimeout: check.timeoutSeconds, timeout: check.timeoutSeconds,
            caBundlePath: check.caBundle, verifyTLS: !check.skipTLSVerify,
            collectCertificate: check.url.hasPrefix("https://")
        )
        let started = ContinuousClock.now
        let sample: HealthSample
        do {
            let response = try await http.send(request)
            let latency = started.duration(to: .now) / .seconds(1)
            let isUp = check.expects(response.status)
            sample = HealthSample(
                at: Date(), isUp: isUp, status: response.status, latency: latency,
                failure: isUp ? nil : "unexpected status \(response.status)", certificate: response.certificate)
        } catch {
            sample = HealthSample(
                at: Date(), isUp: false, status: nil, latency: nil,
                failure: UpstreamFailure(error, timeout: check.timeoutSeconds).message, certificate: nil)
        }
        metrics.record(
            target: "service:\(service)", seconds: started.duration(to: .now) / .seconds(1), failed: !sample.isUp)
        return sample
    }
}

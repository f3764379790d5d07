import Foundation
import Synchronization

/// Homeport's own HTTP metrics, kept in memory and written in Prometheus' text format.
///
/// Labels are the route pattern (`/catalog/{kind}/{namespace}/{name}`, `NotFound`), never the raw
/// path, so the number of series stays bounded whatever clients request.
public final class PortalMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init() {}

    private struct Series: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct Latency {
        var bucketCounts = [Int](repeating: 0, count: PortalMetrics.buckets.count)
        var sum = 0.0
        var count = 0

        mutating func record(_ seconds: Double) {
            for (index, bound) in PortalMetrics.buckets.enumerated() where seconds <= bound {
                bucketCounts[index] += 1
            }
            sum += seconds
            count += 1
        }
    }

    private let state = Mutex((requests: [Series: Int](), latency: [String: Latency]()))

    func record(route: String, method: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Series(route: route, method: method, status: status), default: 0] += 1
            // In place: a copy taken out and written back would copy the bucket array every time.
            state.latency[route, default: Latency()].record(seconds)
        }
    }

    /// The exposition text; `gauges` are extra `(name, help, [(labels, value)])` families.
    func exposition(gauges: [(name: String, help: String, samples: [(labels: String, value: Double)])]) -> String {
        let (requests, latency) = state.withLock { ($0.requests, $0.latency) }
        var lines = [
            "# HELP homeport_http_requests_total HTTP requests answered, by route pattern, method and status.",
            "# TYPE homeport_http_requests_total counter",
        ]
        for (series, count) in requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            lines.append(
                "homeport_http_requests_total{route=\"\(Self.escape(series.route))\",method=\"\(series.method)\",status=\"\(series.status)\"} \(count)"
            )
        }
        lines += [
            "# HELP homeport_http_request_duration_seconds Time to answer HTTP requests, by route pattern.",
            "# TYPE homeport_http_request_duration_seconds histogram",
        ]
        for (route, histogram) in latency.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(Self.escape(route))\""
            for (index, bound) in Self.buckets.enumerated() {
                lines.append(
                    "homeport_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(histogram.bucketCounts[index])"
                )
            }
            lines.append("homeport_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)")
            lines.append("homeport_http_request_duration_seconds_sum{\(label)} \(histogram.sum)")
            lines.append("homeport_http_request_duration_seconds_count{\(label)} \(histogram.count)")
        }
        for gauge in gauges {
            lines += ["# HELP \(gauge.name) \(gauge.help)", "# TYPE \(gauge.name) gauge"]
            lines += gauge.samples.map { "\(gauge.name)\($0.labels.isEmpty ? "" : "{\($0.labels)}") \($0.value)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

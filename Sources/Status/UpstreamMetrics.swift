import Foundation
import Synchronization

/// Calls to upstreams (service checks, Kubernetes, Prometheus...) by target: how many, how many
/// failed, and how long they took, for `/metrics`.
public final class UpstreamMetrics: Sendable {
    private struct Totals {
        var succeeded = 0
        var failed = 0
        var seconds = 0.0
    }

    private let totals = Mutex([String: Totals]())

    public init() {}

    public func record(target: String, seconds: Double, failed: Bool) {
        totals.withLock { totals in
            var entry = totals[target, default: Totals()]
            if failed { entry.failed += 1 } else { entry.succeeded += 1 }
            entry.seconds += seconds
            totals[target] = entry
        }
    }

    /// `homeport_upstream_requests_total{target,outcome}` and the summary
    /// `homeport_upstream_request_duration_seconds{target}` (sum and count).
    public func families() -> [MetricFamily] {
        let totals = self.totals.withLock { $0 }.sorted { $0.key < $1.key }
        return [
            MetricFamily(
                name: "homeport_upstream_requests_total", help: "Calls to upstreams by target and outcome (ok, error).",
                type: "counter",
                samples: totals.flatMap { target, entry in
                    [
                        (["target": target, "outcome": "ok"], Double(entry.succeeded)),
                        (["target": target, "outcome": "error"], Double(entry.failed)),
                    ]
                }),
            MetricFamily(
                name: "homeport_upstream_request_duration_seconds", help: "Time spent calling upstreams, by target.",
                type: "summary",
                samples: totals.flatMap { target, entry in
                    [(["target": target], entry.seconds), (["target": target], Double(entry.succeeded + entry.failed))]
                }, suffixes: ["_sum", "_count"]),
        ]
    }
}

/// One metric family in Prometheus' text format.
public struct MetricFamily: Sendable {
    public var name: String
    public var help: String
    public var type: String
    public var samples: [([String: String], Double)]
    /// For summaries: the name suffix of each sample in turn (`_sum`, `_count`), repeating.
    public var suffixes: [String] = []

    public init(
        name: String, help: String, type: String, samples: [([String: String], Double)], suffixes: [String] = []
    ) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
        self.suffixes = suffixes
    }

    public var text: String {
        var lines = ["# HELP \(name) \(help)", "# TYPE \(name) \(type)"]
        for (index, (labels, value)) in samples.enumerated() {
            let suffix = suffixes.isEmpty ? "" : suffixes[index % suffixes.count]
            let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(
                separator: ",")
            lines.append("\(name)\(suffix)\(rendered.isEmpty ? "" : "{\(rendered)}") \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

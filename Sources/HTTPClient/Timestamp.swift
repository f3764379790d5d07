import Foundation

/// An RFC 3339 time as upstream APIs write it (`2026-12-03T14:05:00Z`, with or without fractional
/// seconds: Kubernetes, Prometheus, GitHub, Gitea); nil for anything else.
public func parseTimestamp(_ text: String) -> Date? {
    let plain = ISO8601DateFormatter()
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
}

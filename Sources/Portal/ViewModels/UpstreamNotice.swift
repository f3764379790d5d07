import Foundation
import Status

/// What a page says about an integration that has no fresh answer: still waiting, unreachable
/// (with the error), or unreachable with the last known state shown and its age.
struct UpstreamNotice: Sendable {
    var text: String
    var isError: Bool

    /// Nil when the integration is off or its newest poll succeeded.
    init?<Value>(_ observed: Observed<Value>?, upstream: String, now: Date) {
        guard let observed else { return nil }
        guard observed.attemptedAt != nil else {
            self.init(text: "Waiting for the first answer from \(upstream).", isError: false)
            return
        }
        guard let failure = observed.failure else { return nil }
        if let fetchedAt = observed.fetchedAt {
            self.init(
                text:
                    "\(upstream) unreachable: \(failure.message). Showing the last known state, \(Age.text(from: fetchedAt, to: now)) old.",
                isError: true)
        } else {
            self.init(text: "\(upstream) unreachable: \(failure.message).", isError: true)
        }
    }

    init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}

/// Durations as people read them: "12 s", "4 min", "3 h", "212 days".
enum Age {
    static func text(from start: Date, to end: Date) -> String {
        let seconds = max(0, Int(end.timeIntervalSince(start)))
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3600: return "\(seconds / 60) min"
        case ..<86_400: return "\(seconds / 3600) h"
        default: return seconds / 86_400 == 1 ? "1 day" : "\(seconds / 86_400) days"
        }
    }
}

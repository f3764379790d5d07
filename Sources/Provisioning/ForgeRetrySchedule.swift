import Foundation
import GitOps
import Store

/// When the job runner tries a failed pull request step again on its own, and when it gives up.
///
/// Transient failures of the Git provider (it was down, slow or busy: `GitProviderError.isTransient`)
/// are retried with exponential backoff and jitter, up to `maxAttempts` attempts in all and no
/// later than `maxSeconds` after the first failure; a rate limit waits at least as long as the
/// forge asked (`retryAfter`: its reset time, or GitHub's minute for a secondary limit). Anything
/// else fails the request at once: a person has to change something first.
public struct ForgeRetrySchedule: Sendable, Equatable {
    /// Attempts in all, the first one included; at least 1.
    public var maxAttempts: Int
    /// No retry starts later than this many seconds after the step first failed.
    public var maxSeconds: Double
    /// The wait after the first failure, in seconds; doubled after each following one.
    public var baseDelay: Double
    /// Upper bound of one backoff wait, in seconds (a forge's own reset time may be longer).
    public var maxDelay: Double

    public init(maxAttempts: Int = 8, maxSeconds: Double = 21_600, baseDelay: Double = 30, maxDelay: Double = 1_800) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxSeconds = max(0, maxSeconds)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    public enum Decision: Sendable, Equatable {
        /// Try again after this many seconds.
        case retry(after: Double)
        /// Fail the request; the words say why no retry follows.
        case giveUp(String)
    }

    /// What to do after attempt `attempt` (from 1) failed with `error`.
    /// - Parameters:
    ///   - firstFailure: when this run of the step first failed (`now` for the first failure).
    ///   - random: a number in `0...1` for the jitter, so that many requests that failed together
    ///     do not come back together.
    public func decide(
        afterAttempt attempt: Int, failedWith error: GitProviderError, firstFailure: Date, now: Date,
        random: Double
    ) -> Decision {
        guard error.isTransient else { return .giveUp("not a transient failure") }
        let attempts = "\(attempt) attempt\(attempt == 1 ? "" : "s")"
        guard attempt < maxAttempts else { return .giveUp("gave up after \(attempts)") }
        // "Equal jitter": between half and all of the exponential delay, so waits never shrink.
        let exponential = min(maxDelay, baseDelay * pow(2, Double(min(attempt - 1, 30))))
        var wait = exponential * (0.5 + 0.5 * min(max(random, 0), 1))
        if let asked = error.retryAfter {
            wait = max(wait, asked)
        }
        let spent = now.timeIntervalSince(firstFailure)
        guard spent + wait <= maxSeconds else {
            return .giveUp("gave up after \(attempts) over \(Self.duration(spent))")
        }
        return .retry(after: wait)
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 120 { return "\(whole) s" }
        if whole < 7200 { return "\(whole / 60) min" }
        return "\(whole / 3600) h \(whole % 3600 / 60) min"
    }
}

extension StepRetry {
    /// "retrying at 14:05 (attempt 3 of 8)", the time in UTC like every time on the pages: the
    /// request's history and its page say it the same way.
    public var retryingAt: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.hour, .minute], from: retryAt)
        let time = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        return "retrying at \(time) (attempt \(attempt + 1) of \(maxAttempts))"
    }
}

/// The job runner's time: now, and waiting until a moment. Retries are stored as wall-clock times
/// so that a restart resumes them; tests pass a clock that does not really wait.
public protocol JobClock: Sendable {
    var now: Date { get }
    /// Returns at `deadline`, or throws `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// The system's clock.
public struct SystemJobClock: JobClock {
    public init() {}

    public var now: Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 {
            try await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
        }
        try Task.checkCancellation()
    }
}

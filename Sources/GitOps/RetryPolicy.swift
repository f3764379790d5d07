/// How the HTTP providers (`GitHubProvider`, `GiteaProvider`) ride out a blip within one call.
///
/// This is the quick, in-process layer: a few seconds at most. What lasts longer is the job
/// runner's: a transient `GitProviderError` re-queues the whole step in the database with
/// exponential backoff (`ForgeRetrySchedule` in Provisioning), which survives restarts and shows
/// on the request page. Two independent budgets here:
/// - transient failures (5xx answers, reset or refused connections) are retried up to
///   `maxAttempts` times in all, waiting `baseDelay`, then twice as long each time, never more
///   than `maxDelay`;
/// - a rate limit (429, or 403 with an exhausted `x-ratelimit-remaining`, or GitHub's secondary
///   limit) is waited out once when the upstream says it resets within `maxRateLimitWait`
///   seconds; otherwise the call fails with `GitProviderError.Kind.rateLimited` and its
///   `retryAfter`. The standard policy waits out none: a rate limit goes to the durable schedule.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all (the first one included) for one request; at least 1.
    public var maxAttempts: Int
    /// Seconds before the first retry; doubled for each following one.
    public var baseDelay: Double
    /// Upper bound, in seconds, of a single backoff wait.
    public var maxDelay: Double
    /// Longest rate-limit reset, in seconds, that is worth waiting for instead of failing.
    public var maxRateLimitWait: Double

    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 8, maxRateLimitWait: Double = 0) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
        self.maxRateLimitWait = max(0, maxRateLimitWait)
    }

    /// 4 attempts, 0.5 s then 1 s then 2 s; rate limits are left to the job runner's schedule.
    public static let standard = RetryPolicy()

    /// The wait, in seconds, before retry number `retry` (1 for the first retry).
    func delay(beforeRetry retry: Int) -> Double {
        let exponent = Double(max(0, retry - 1))
        return min(maxDelay, baseDelay * pow2(exponent))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && value < 1e9 {
            value *= 2
            remaining -= 1
        }
        return value
    }
}

import Foundation
import GitOps
import Testing

@testable import Provisioning

@Suite("When a failed pull request step is tried again")
struct ForgeRetryScheduleTests {
    let schedule = ForgeRetrySchedule(maxAttempts: 8, maxSeconds: 21_600, baseDelay: 30, maxDelay: 1_800)
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let outage = GitProviderError(kind: .upstream, message: "GitHub answered 503 Service Unavailable")

    @Test(
        "waits double from 30 s up to 30 min, between half and all of it with jitter",
        arguments: [(1, 30.0), (2, 60), (3, 120), (6, 960), (7, 1_800)])
    func backoff(attempt: Int, full: Double) {
        for random in [0.0, 1.0] {
            let decision = schedule.decide(
                afterAttempt: attempt, failedWith: outage, firstFailure: start, now: start, random: random)
            #expect(decision == .retry(after: random == 0 ? full / 2 : full))
        }
    }

    @Test("a forge's own reset time is waited out whole, GitHub's secondary minute included")
    func rateLimitWaitsAsAsked() {
        let secondary = GitProviderError(kind: .rateLimited, message: "secondary rate limit", retryAfter: 60)
        #expect(
            schedule.decide(afterAttempt: 1, failedWith: secondary, firstFailure: start, now: start, random: 0)
                == .retry(after: 60))
        let reset = GitProviderError(kind: .rateLimited, message: "rate limit", retryAfter: 3_000)
        #expect(
            schedule.decide(afterAttempt: 1, failedWith: reset, firstFailure: start, now: start, random: 1)
                == .retry(after: 3_000))
    }

    @Test("gives up after the last attempt, and when the next retry would start past the time budget")
    func givesUp() {
        #expect(
            schedule.decide(afterAttempt: 8, failedWith: outage, firstFailure: start, now: start, random: 0)
                == .giveUp("gave up after 8 attempts"))
        let late = start.addingTimeInterval(21_000)
        #expect(
            schedule.decide(afterAttempt: 7, failedWith: outage, firstFailure: start, now: late, random: 1)
                == .giveUp("gave up after 7 attempts over 5 h 50 min"))
    }

    @Test(
        "what a person must fix is never retried",
        arguments: [
            GitProviderError(kind: .unauthorized, message: "401"),
            GitProviderError(kind: .forbidden, message: "403"),
            GitProviderError(kind: .notFound, message: "404"),
            GitProviderError(kind: .invalidResponse, message: "422"),
            GitProviderError(kind: .upstream, message: "TLS failure", isTransient: false),
        ])
    func permanent(error: GitProviderError) {
        #expect(
            schedule.decide(afterAttempt: 1, failedWith: error, firstFailure: start, now: start, random: 0)
                == .giveUp("not a transient failure"))
    }
}

/// One HTTP exchange as an HTTP provider saw it, for logs and diagnostics.
///
/// Holds the method, the URL (which never carries a credential: tokens travel in the
/// `Authorization` header only), the attempt number and the outcome. Feed it to a logger with
/// the provider's `trace` parameter.
public struct GitProviderTrace: Sendable, Equatable, CustomStringConvertible {
    public var method: String
    public var url: String
    /// 1 for the first try of a request, 2 for its first retry, and so on.
    public var attempt: Int
    /// The HTTP status, when an answer arrived.
    public var status: Int?
    /// Why no answer arrived (libcurl's words), when none did.
    public var failure: String?
    /// Time spent on the exchange.
    public var milliseconds: Int

    public init(method: String, url: String, attempt: Int, status: Int?, failure: String?, milliseconds: Int) {
        self.method = method
        self.url = url
        self.attempt = attempt
        self.status = status
        self.failure = failure
        self.milliseconds = milliseconds
    }

    /// `PUT https://api.github.com/repos/o/r/contents/a.yaml -> 201 (84 ms)`, with ` attempt 2` on retries.
    public var description: String {
        let outcome = status.map(String.init) ?? (failure ?? "no answer")
        let retry = attempt > 1 ? " attempt \(attempt)" : ""
        return "\(method) \(url) -> \(outcome) (\(milliseconds) ms)\(retry)"
    }
}

/// Receives every exchange an HTTP provider makes; called on the provider's task, keep it quick.
public typealias GitProviderTraceHandler = @Sendable (GitProviderTrace) -> Void

import Foundation

/// Why polling an upstream failed, in words a page can show ("timed out after 5 s", "HTTP 401: ...").
public struct UpstreamFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What polling one upstream has shown so far: the newest good value, kept when later polls fail,
/// and the newest failure, so that pages can say "last known state, 4 min old".
public struct Observed<Value: Sendable>: Sendable {
    /// The value from the newest successful poll.
    public private(set) var value: Value?
    /// When that poll answered.
    public private(set) var fetchedAt: Date?
    /// Set when the newest poll failed.
    public private(set) var failure: UpstreamFailure?
    /// When the newest poll, good or bad, ended; nil before the first.
    public private(set) var attemptedAt: Date?

    public init() {}

    public mutating func record(_ result: Result<Value, UpstreamFailure>, at date: Date) {
        attemptedAt = date
        switch result {
        case .success(let value):
            self.value = value
            fetchedAt = date
            failure = nil
        case .failure(let error):
            failure = error
        }
    }

    /// The value is older than the newest attempt: the upstream stopped answering.
    public var isStale: Bool { failure != nil && value != nil }
}

import Foundation
import Platform
import Synchronization

/// Everything the pollers have seen, as one value: pages take a copy and never wait on an upstream.
///
/// An integration that is not configured is nil; a configured one starts as an empty `Observed`
/// (waiting for its first answer).
public struct LiveStatus: Sendable {
    /// Health of each checked service, by `LiveStatus.key(for:)`.
    public var services: [String: HealthWindow] = [:]
    /// Service checks run (`status.service_checks`).
    public var servicesChecked = false
    public var nodes: Observed<[LiveNode]>?
    public var diagnostics: Observed<[DiagnosticResult]>?
    public var nodeUsage: Observed<[String: NodeUsage]>?
    public var alerts: Observed<[FiringAlert]>?
    public var applications: Observed<[ArgoAppStatus]>?
    /// The models Ollama has pulled, for the new-app form.
    public var ollamaModels: Observed<[String]>?

    public init() {}

    /// Identifies a service's checks across reloads of the platform repository.
    public static func key(for service: ServiceLink) -> String {
        "\(service.name)\n\(service.check?.url ?? service.url)"
    }

    public func health(of service: ServiceLink) -> HealthWindow? {
        services[Self.key(for: service)]
    }
}

/// Holds the current `LiveStatus`; pollers replace parts of it, pages read it whole.
public final class StatusBoard: Sendable {
    private let state: Mutex<(status: LiveStatus, revision: Int)>

    public init(_ initial: LiveStatus = LiveStatus()) {
        state = Mutex((initial, 0))
    }

    public var current: LiveStatus { state.withLock { $0.status } }

    /// Counts updates, so that a page rendered from the board can be kept until the next one.
    public var revision: Int { state.withLock { $0.revision } }

    public func update(_ change: (inout LiveStatus) -> Void) {
        state.withLock {
            change(&$0.status)
            $0.revision += 1
        }
    }
}

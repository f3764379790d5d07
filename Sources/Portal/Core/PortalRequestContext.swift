import Auth
import Hummingbird
import Provisioning

/// The request context of every route: Hummingbird's basics, the address of the peer, and what
/// the middleware found out about the sender, passed down explicitly rather than in task-locals.
public struct PortalRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Reads the peer's address from the connection when it is asked for (proxy sign-in only):
    /// worked out for every request, it was a hundredth of a cached page's CPU.
    private let readPeerAddress: @Sendable () -> String?
    /// The connection's other end (the reverse proxy, behind one); nil in in-process tests.
    public var peerAddress: String? { readPeerAddress() }
    /// Who sent the request (`AuthMiddleware`); nil: anonymous.
    public internal(set) var identity: Identity?
    /// This browser's token for forms (`CSRFMiddleware`); nil on routes it does not cover
    /// (static files, probes).
    var csrfToken: CSRFToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        readPeerAddress = { [channel = source.channel] in channel.remoteAddress?.ipAddress }
    }

    /// The user as the new-app flow sees them when they act on a request.
    var actor: RequestActor {
        identity.map { RequestActor(name: $0.name, isAdmin: $0.isAdmin) } ?? .anonymous
    }

    /// The user whose requests `?mine=1` asks for; nil (everyone's) without it or without a user.
    func mine(_ parameters: Parameters) -> String? {
        parameters.get("mine") == "1" ? identity?.name : nil
    }
}

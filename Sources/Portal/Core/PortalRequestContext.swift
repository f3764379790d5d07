import Hummingbird

/// The request context of every route: Hummingbird's basics plus the address of the peer, which
/// `auth.mode: proxy` needs to tell its proxy from anyone else.
public struct PortalRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's other end (the reverse proxy, behind one); nil in in-process tests.
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

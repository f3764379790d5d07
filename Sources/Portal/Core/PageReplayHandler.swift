import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Sits in each connection's pipeline between Hummingbird's connection state handler and the
/// router, and answers the requests `PageReplay` can answer on the spot.
///
/// Answers leave in the order the requests came: while a request passed on to the router has not
/// been answered, every request that follows is passed on too; so are requests that come while
/// the socket cannot take more. Placed after the state handler, it
/// leaves that handler's view whole: each replayed request is read and answered past it, so the
/// idle timeout and a graceful shutdown count it like any other.
final class PageReplayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let replay: PageReplay
    /// Requests passed on to the router and not yet answered.
    private var routed = 0
    /// A request asked to close the connection: the router answers it and closes, and answers
    /// nothing after it.
    private var closing = false
    /// The rest of a replayed request (its end) is still to come, and is dropped.
    private var finishingReplayed = false
    private var needsFlush = false

    init(replay: PageReplay) {
        self.replay = replay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            // A peer that does not read its answers gets no more of them: the router's path holds
            // its requests back until the socket drains (NIOAsyncChannel's backpressure).
            if routed == 0, !closing, context.channel.isWritable,
                let (head, body) = replay.response(to: request, peer: context.channel.remoteAddress?.ipAddress)
            {
                finishingReplayed = true
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(body)), promise: nil)
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                needsFlush = true
                return
            }
            finishingReplayed = false
            routed += 1
            if request.headerFields[values: .connection].contains(where: { $0.lowercased().contains("close") }) {
                closing = true
            }
            context.fireChannelRead(data)
        case .body, .end:
            guard !finishingReplayed else { return }
            context.fireChannelRead(data)
        }
    }

    /// Replayed answers go out together once the bytes read so far are handled, as the router's do.
    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The router's answer is complete; a request it refused to parse may be answered unasked.
        if case .end = unwrapOutboundIn(data) { routed = max(0, routed - 1) }
        context.write(data, promise: promise)
    }
}

/// Hummingbird's HTTP/1.1 channel with a `PageReplayHandler` in each connection's pipeline.
struct ReplayingHTTP1Channel: ServerChildChannel {
    let http1: HTTP1Channel
    let replay: PageReplay

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { [replay] value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(PageReplayHandler(replay: replay), position: .after(state))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

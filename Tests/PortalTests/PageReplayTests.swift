import Auth
import FakeUpstreams
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Status
import Synchronization
import Testing

@testable import Portal

/// The portal as `homeport serve` runs it: the router behind the HTTP server, with the replay in
/// each connection's pipeline.
private struct ServedPortal {
    let app: Application<CountingResponder<RouterResponder<PortalRequestContext>>>
    /// How many requests reached the router.
    let routed = Counter()
    let replay: PageReplay
    let state: PlatformState
    let board: StatusBoard

    init(authenticator: Authenticator = .anonymous) async throws {
        state = try platformState(root: repositoryRoot + "/examples/homelab")
        let provisioning = try await testProvisioning(
            ollamaURL: "http://127.0.0.1:9", provider: RecordingGitProvider(), autoPR: false, startRunner: false)
        let monitor = StatusMonitor(settings: StatusSettings(), metrics: UpstreamMetrics(), logger: quietLogger) { [] }
        board = monitor.board
        let metrics = PortalMetrics()
        let router = try await buildRouter(
            state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot,
            authenticator: authenticator, monitor: monitor, metrics: metrics)
        replay = PageReplay(
            state: state, status: monitor.board, requestChanges: provisioning.store.changes,
            authenticator: authenticator, metrics: metrics, serverName: serverName)
        app = Application(
            responder: CountingResponder(base: router.buildResponder(), count: routed),
            server: httpServer(idleTimeoutSeconds: 30, replay: replay),
            configuration: .init(serverName: serverName), logger: quietLogger)
    }

    /// What the replay answers to a GET of `path` with `headers`, from `peer`.
    func replayed(
        _ path: String, headers: HTTPFields = [:], method: HTTPRequest.Method = .get, peer: String = "127.0.0.1"
    )
        -> (head: HTTPResponse, body: ByteBuffer)?
    {
        replay.response(
            to: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: path, headerFields: headers),
            peer: peer)
    }
}

/// The router, counting the requests that reach it.
private struct CountingResponder<Base: HTTPResponder>: HTTPResponder {
    let base: Base
    let count: Counter

    func respond(to request: Request, context: Base.Context) async throws -> Response {
        count.add()
        return try await base.respond(to: request, context: context)
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    var current: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}

private let entityPage = "/catalog/component/default/ai-gateway"

@Suite("Cached pages answered again before the router")
struct PageReplayTests {
    @Test("a page asked for again is answered with the router's status, headers and body, and a request id of its own")
    func sameAnswer() async throws {
        let portal = try await ServedPortal()
        try await portal.app.test(.live) { client in
            for (path, headers) in [
                (entityPage, HTTPFields()), ("/catalog?kind=component", [:]),
                ("/adr", [.acceptEncoding: "gzip, br"]),
            ] {
                #expect(portal.replayed(path, headers: headers) == nil, "\(path) is not known before it is asked")
                let routed = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(routed.status == .ok)
                if headers[.acceptEncoding] != nil {
                    // The gzipped body is made after the first answer, off its path.
                    try await waitUntil { portal.replayed(path, headers: headers) != nil }
                }
                #expect(portal.replayed(path, headers: headers) != nil, "\(path) is answered again without the router")
                let routedBefore = portal.routed.current
                let replayed = try await client.execute(uri: path, method: .get, headers: headers)
                #expect(portal.routed.current == routedBefore, "\(path) did not reach the router the second time")
                #expect(replayed.status == .ok)
                #expect(replayed.body == routed.body, "\(path)")
                let varying: Set<HTTPField.Name> = [.date, .requestID]
                #expect(
                    replayed.headers.filter { !varying.contains($0.name) }
                        == routed.headers.filter { !varying.contains($0.name) }, "\(path)")
                #expect(
                    replayed.headers.map(\.name) == routed.headers.map(\.name),
                    "\(path): the same headers in the same order")
                #expect(replayed.headers[.requestID] != nil)
                #expect(replayed.headers[.requestID] != routed.headers[.requestID])
                #expect(replayed.headers[.date]?.hasSuffix(" GMT") == true)
            }
            // Both variants of a page are kept: gzip for whoever accepts it, plain for the rest.
            let gzipped = try #require(portal.replayed("/adr", headers: [.acceptEncoding: "gzip"]))
            #expect(gzipped.head.headerFields[.contentEncoding] == "gzip")
            #expect(Array(gzipped.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
            let plain = try #require(portal.replayed("/adr"))
            #expect(plain.head.headerFields[.contentEncoding] == nil)
            #expect(String(buffer: plain.body).contains("<h1>"))
        }
    }

    @Test("replayed requests are counted in /metrics under their route, as routed ones are")
    func counted() async throws {
        let portal = try await ServedPortal()
        try await portal.app.test(.live) { client in
            for _ in 0..<5 {
                #expect(try await client.execute(uri: entityPage, method: .get).status == .ok)
            }
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(
                metrics.contains(
                    #"homeport_http_requests_total{route="/catalog/{kind}/{namespace}/{name}",method="GET",status="200"} 5"#
                ))
        }
    }

    @Test(
        "a page whose live status or app requests have moved on, or from before a reload, goes through the router again"
    )
    func revisions() async throws {
        let portal = try await ServedPortal()
        try await portal.app.test(.live) { client in
            for path in [entityPage, "/catalog", "/"] {
                _ = try await client.execute(uri: path, method: .get)
                #expect(portal.replayed(path) != nil, "\(path)")
            }
            portal.board.update { _ in }
            // The entity page and the overview show live status; the catalog's list does not.
            #expect(portal.replayed(entityPage) == nil)
            #expect(portal.replayed("/") == nil)
            #expect(portal.replayed("/catalog") != nil)
            // Asked again, the entity page is rendered for the new revision and replayed from then on.
            _ = try await client.execute(uri: entityPage, method: .get)
            #expect(portal.replayed(entityPage) != nil)
            // The overview and search show app requests: a new one ends their replay.
            _ = try await client.execute(uri: "/", method: .get)
            _ = try await client.execute(uri: "/search?q=platform", method: .get)
            #expect(portal.replayed("/") != nil && portal.replayed("/search?q=platform") != nil)
            let created = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(
                    string:
                        #"{"app_name": "web", "image": "nginx:1.27", "engine": "template", "prompt": "a web server"}"#))
            #expect(created.status.code < 300)
            #expect(portal.replayed("/") == nil)
            #expect(portal.replayed("/search?q=platform") == nil)
            #expect(portal.replayed("/catalog") != nil)
            portal.state.reload()
            #expect(portal.replayed("/catalog") == nil, "a reload starts an empty page cache")
        }
    }

    @Test(
        "only a plain GET is replayed: other methods, bodies, Connection: close, tokens and unknown targets go to the router"
    )
    func onlyPlainGets() async throws {
        let portal = try await ServedPortal()
        try await portal.app.test(.live) { client in
            _ = try await client.execute(uri: "/catalog", method: .get)
            #expect(portal.replayed("/catalog") != nil)
            #expect(portal.replayed("/catalog", method: .head) == nil)
            #expect(portal.replayed("/catalog", method: .post) == nil)
            #expect(portal.replayed("/catalog", headers: [.connection: "close"]) == nil)
            #expect(portal.replayed("/catalog", headers: [.connection: "Upgrade"]) == nil)
            #expect(portal.replayed("/catalog", headers: [.connection: "keep-alive"]) != nil, "as browsers send")
            #expect(portal.replayed("/catalog", headers: [.contentLength: "5"]) == nil)
            #expect(portal.replayed("/catalog", headers: [.transferEncoding: "chunked"]) == nil)
            #expect(portal.replayed("/catalog?kind=api") == nil, "another query is another target")
            #expect(portal.replayed("/healthz") == nil)
            #expect(portal.replayed("/catalog", headers: [.authorization: "Bearer hp_x"]) == nil)
            // HEAD still answers with the page's headers and no body, through the router.
            let routedBefore = portal.routed.current
            let head = try await client.execute(uri: "/catalog", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == "text/html; charset=utf-8")
            #expect(portal.routed.current == routedBefore + 1)
        }
    }

    @Test("each user gets the page they were shown; a refused sender is left to the router")
    func perUser() async throws {
        let authenticator = Authenticator(
            mode: .proxy, trustedProxies: [AddressRange("127.0.0.1")!, AddressRange("::1")!], readRequiresUser: true)
        let portal = try await ServedPortal(authenticator: authenticator)
        let alice: HTTPFields = [HTTPField.Name("X-Forwarded-User")!: "alice"]
        try await portal.app.test(.live) { client in
            let routed = try await client.execute(uri: "/catalog", method: .get, headers: alice)
            #expect(routed.status == .ok)
            let replayed = try #require(portal.replayed("/catalog", headers: alice))
            #expect(replayed.body == routed.body)
            #expect(String(buffer: replayed.body).contains("alice"))
            #expect(portal.replayed("/catalog", headers: [HTTPField.Name("X-Forwarded-User")!: "bob"]) == nil)
            // Without a user the router refuses the request (reading needs one here).
            #expect(portal.replayed("/catalog") == nil)
            #expect(try await client.execute(uri: "/catalog", method: .get).status == .unauthorized)
            // The same header from an address that is not a trusted proxy names no one.
            #expect(portal.replayed("/catalog", headers: alice, peer: "192.0.2.7") == nil)
            // Two users named at once name no one either (the router answers 400).
            var twice = alice
            twice.append(HTTPField(name: HTTPField.Name("X-Forwarded-User")!, value: "alice"))
            #expect(portal.replayed("/catalog", headers: twice) == nil)
        }
    }

    @Test(
        "answers leave in the order the requests came, pipelined behind one the router is still answering, wait for a full socket, and end at a Connection: close"
    )
    func order() async throws {
        let portal = try await ServedPortal()
        // Learn the catalog page first, through a connection of its own.
        try await portal.app.test(.live) { client in
            _ = try await client.execute(uri: "/catalog", method: .get)
        }
        let channel = EmbeddedChannel(handler: PageReplayHandler(replay: portal.replay))
        func request(_ path: String) -> HTTPRequestPart {
            .head(HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path))
        }
        // A request for a page the cache does not hold goes to the router, and so does a cached one
        // pipelined behind it while its answer is not written.
        for part in [request("/inventory"), .end(nil), request("/catalog"), .end(nil)] {
            try channel.writeInbound(part)
        }
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        for expected in ["/inventory", "/catalog"] {
            guard case .head(let routed) = try channel.readInbound(as: HTTPRequestPart.self) else {
                Issue.record("\(expected) was not passed on")
                return
            }
            #expect(routed.path == expected)
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        }
        // Once the router has answered both, the next request for the cached page is replayed.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        for _ in 0..<4 { _ = try channel.readOutbound(as: HTTPResponsePart.self) }
        try channel.writeInbound(request("/catalog"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "nothing reaches the router")
        guard case .head(let head) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("no answer was written")
            return
        }
        #expect(head.status == .ok)
        guard case .body(let body) = try channel.readOutbound(as: HTTPResponsePart.self) else {
            Issue.record("the answer has no body")
            return
        }
        #expect(String(buffer: body).contains("<h1>Catalog</h1>"))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        // A peer that stops reading its answers is left to the router, which waits for it.
        channel.isWritable = false
        try channel.writeInbound(request("/catalog"))
        guard case .head = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("a request on a full socket was not passed on")
            return
        }
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == nil)
        // Once a request asked to close the connection, nothing after it is replayed, even after its answer.
        channel.isWritable = true
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(
            HTTPRequestPart.head(
                HTTPRequest(
                    method: .get, scheme: "http", authority: "localhost", path: "/catalog",
                    headerFields: [.connection: "close"])))
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeInbound(request("/catalog"))
        var passedOn = 0
        while case .head = try channel.readInbound(as: HTTPRequestPart.self) { passedOn += 1 }
        #expect(passedOn == 2, "the closing request and the one after it went to the router")
        _ = try channel.finish()
    }

    @Test("pipelined on one connection, a cached page behind a routed request and a closing one keep their order")
    func pipelinedOverSocket() async throws {
        let portal = try await ServedPortal()
        try await portal.app.test(.live) { client in
            let port = try #require(client.port)
            _ = try await client.execute(uri: "/catalog", method: .get)
            let descriptor = try #require(LoopbackSocket.connected(to: port, receiveTimeout: 10))
            defer { close(descriptor) }
            let routedBefore = portal.routed.current
            // The inventory is not a cached page: the router answers it; the catalog behind it
            // waits for that answer, and nothing after a Connection: close is answered.
            let requests = Array(
                ("GET /inventory HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /catalog HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    + "GET /catalog HTTP/1.1\r\nHost: localhost\r\n\r\n").utf8)
            #expect(send(descriptor, requests, requests.count, 0) == requests.count)
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received += buffer[0..<count]
            }
            let text = String(decoding: received, as: UTF8.self)
            let inventory = try #require(text.range(of: "<h1>Inventory</h1>"), "the inventory was answered")
            let catalog = try #require(text.range(of: "<h1>Catalog</h1>"), "the catalog was answered")
            #expect(inventory.lowerBound < catalog.lowerBound, "answers in the order asked")
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 2, "nothing after the closing request")
            #expect(portal.routed.current == routedBefore + 2)
        }
    }

    @Test("the Date header is RFC 9110's fixed-length date in GMT")
    func date() {
        #expect(HTTPDates.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDates.format(1_796_423_448) == "Fri, 04 Dec 2026 22:30:48 GMT")
    }
}

/// Polls `condition` for up to 5 seconds.
private func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<500 where !condition() {
        try await Task.sleep(for: .milliseconds(10))
    }
    #expect(condition())
}

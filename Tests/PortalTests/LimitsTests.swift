import FakeUpstreams
import Foundation
import HTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Limits on what clients send")
struct LimitsTests {
    /// The portal behind the HTTP server `homeport serve` runs, with its header limits and idle timeout.
    private func servedAsConfigured(idleTimeoutSeconds: Double) async throws -> some ApplicationProtocol {
        let (_, state, provisioning) = try await portalWithProvisioning(startRunner: false)
        let router = try await buildRouter(state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
        return Application(
            router: router, server: httpServer(idleTimeoutSeconds: idleTimeoutSeconds), logger: quietLogger)
    }

    @Test("a body over 64 KiB gets 413: JSON for the API, and nothing is created")
    func bodyTooLarge() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let padding = String(repeating: "x", count: 70 * 1024)
            let json = ByteBuffer(
                string: #"{"app_name": "web", "image": "nginx:1.27", "engine": "template", "prompt": "\#(padding)"}"#)
            for path in ["/api/v1/requests", "/generate/manifest"] {
                try await client.execute(
                    uri: path, method: .post, headers: [.contentType: "application/json"], body: json
                ) { response in
                    #expect(response.status == .contentTooLarge, "\(path)")
                    #expect(String(buffer: response.body).contains(#""code":"body_too_large""#))
                }
            }
            let session = try await BrowserSession(client)
            try await session.post(client, "/apps/new", ["app_name": "web", "image": "nginx:1.27", "prompt": padding]) {
                response in
                #expect(response.status == .contentTooLarge)
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test("a description over 4,000 characters is refused with the field's message")
    func promptTooLong() async throws {
        let (app, _, provisioning) = try await portalWithProvisioning(startRunner: false)
        try await app.test(.router) { client in
            let json = ByteBuffer(
                string: #"{"app_name": "web", "engine": "ollama", "prompt": "\#(String(repeating: "a", count: 4001))"}"#
            )
            try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: json
            ) { response in
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains(#""field":"prompt""#) && body.contains("under 4000 characters"))
            }
            #expect(try await provisioning.store.list(.init()).total == 0)
        }
    }

    @Test("oversized headers are refused before any handler runs, and the server keeps serving")
    func headersTooLarge() async throws {
        try await servedAsConfigured(idleTimeoutSeconds: 30).test(.live) { client in
            let port = try #require(client.port)
            let curl = CurlHTTPClient()
            let huge = try await curl.send(
                UpstreamRequest(
                    url: "http://127.0.0.1:\(port)/", headers: [("X-Padding", String(repeating: "a", count: 9 * 1024))])
            )
            #expect(huge.status == 400)
            let many = try await curl.send(
                UpstreamRequest(url: "http://127.0.0.1:\(port)/", headers: (0..<120).map { ("X-Field-\($0)", "1") }))
            #expect(many.status == 400)
            #expect(try await curl.send(UpstreamRequest(url: "http://127.0.0.1:\(port)/healthz")).status == 200)
        }
    }

    @Test("a client that stops sending mid-request is disconnected after the idle timeout")
    func slowClient() async throws {
        try await servedAsConfigured(idleTimeoutSeconds: 0.5).test(.live) { client in
            let port = try #require(client.port)
            let descriptor = try #require(LoopbackSocket.connected(to: port, receiveTimeout: 20))
            defer { close(descriptor) }
            // Half a request head, then silence (a slowloris client).
            let partial = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
            #expect(send(descriptor, partial, partial.count, 0) == partial.count)
            var buffer = [UInt8](repeating: 0, count: 1024)
            let received = recv(descriptor, &buffer, buffer.count, 0)
            #expect(
                received == 0,
                "the server closed the connection (0), rather than answering or waiting for the 20 s limit (-1)")
        }
    }
}

import FakeUpstreams
import Foundation
import HTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Portal

@Suite("Live server through the libcurl client")
struct LiveServerTests {
    @Test("the portal answers over a real socket, read by our libcurl client")
    func portalOverCurl() async throws {
        let (app, _) = try await portal()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let curl = CurlHTTPClient()
            let overview = try await curl.send(UpstreamRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(overview.status == 200)
            #expect(overview.header("content-type") == "text/html; charset=utf-8")
            #expect(overview.text.contains("<h1>Homelab platform</h1>"))
            let missing = try await curl.send(
                UpstreamRequest(url: "http://127.0.0.1:\(port)/catalog/component/default/nope"))
            #expect(missing.status == 404)
            // A form post without the page's CSRF token is refused, over a real socket too.
            let forged = try await curl.send(
                UpstreamRequest(method: "POST", url: "http://127.0.0.1:\(port)/-/reload", body: []))
            #expect(forged.status == 403)
            #expect(forged.text.contains("This form has expired or came from another site"))
        }
    }
}

@Suite("libcurl client")
struct CurlHTTPClientTests {
    /// A small upstream: echoes requests, answers slowly or with a chosen status.
    func upstream() -> some ApplicationProtocol {
        let router = Router()
        router.post("/echo") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("X-Seen-Authorization")!] = request.headers[.authorization] ?? ""
            headers[HTTPField.Name("X-Seen-Method")!] = "\(request.method)"
            return Response(status: .created, headers: headers, body: .init(byteBuffer: body))
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        router.get("/teapot") { _, _ in Response(status: .init(code: 418)) }
        return Application(router: router, logger: quietLogger)
    }

    @Test("sends method, headers and body; returns status, headers and body")
    func exchange() async throws {
        try await upstream().test(.live) { client in
            let port = try #require(client.port)
            let response = try await CurlHTTPClient().send(
                UpstreamRequest(
                    method: "POST", url: "http://127.0.0.1:\(port)/echo",
                    headers: [("Authorization", "Bearer t0ken"), ("Content-Type", "application/json")],
                    body: Array(#"{"prompt": "nginx"}"#.utf8)
                ))
            #expect(response.status == 201)
            #expect(response.text == #"{"prompt": "nginx"}"#)
            #expect(response.header("x-seen-authorization") == "Bearer t0ken")
            #expect(response.header("Content-Type") == "application/json")
            let put = try await CurlHTTPClient().send(
                UpstreamRequest(method: "PUT", url: "http://127.0.0.1:\(port)/echo", body: []))
            #expect(put.status == 404)
            let teapot = try await CurlHTTPClient().send(UpstreamRequest(url: "http://127.0.0.1:\(port)/teapot"))
            #expect(teapot.status == 418)
        }
    }

    @Test("a slow upstream ends in a timeout error")
    func timeout() async throws {
        try await upstream().test(.live) { client in
            let port = try #require(client.port)
            await #expect {
                try await CurlHTTPClient().send(UpstreamRequest(url: "http://127.0.0.1:\(port)/slow", timeout: 0.3))
            } throws: { error in
                (error as? HTTPClientError)?.kind == .timeout
            }
        }
    }

    @Test("a closed port is a refused connection")
    func refused() async throws {
        let port = closedPort()
        await #expect {
            try await CurlHTTPClient().send(UpstreamRequest(url: "http://127.0.0.1:\(port)/"))
        } throws: { error in
            (error as? HTTPClientError)?.kind == .connectionRefused
        }
    }

    @Test("a malformed URL is an invalid request")
    func malformed() async {
        await #expect {
            try await CurlHTTPClient().send(UpstreamRequest(url: "ht!tp://nowhere"))
        } throws: { error in
            (error as? HTTPClientError)?.kind == .invalidRequest
        }
    }

    @Test(
        "only http and https are fetched: a configured file://, dict:// or gopher:// URL is refused, not read",
        arguments: ["file:///etc/passwd", "dict://127.0.0.1:1/info", "gopher://127.0.0.1:1/_x"])
    func otherSchemes(url: String) async {
        await #expect {
            try await CurlHTTPClient().send(UpstreamRequest(url: url))
        } throws: { error in
            (error as? HTTPClientError)?.kind == .invalidRequest
        }
    }
}

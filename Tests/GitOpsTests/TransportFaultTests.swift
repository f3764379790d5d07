import Foundation
import Synchronization
import Testing

@testable import GitOps

/// A loopback server that misbehaves below HTTP: it resets every connection after reading the
/// request, or answers a TLS handshake with plain text (as a forge URL with the wrong scheme, or
/// a proxy in the way, would).
private final class MisbehavingServer: @unchecked Sendable {
    enum Behaviour { case reset, plainText }

    let port: Int
    private let descriptor: Int32
    private let accepted = Atomic(0)

    var connections: Int { accepted.load(ordering: .relaxed) }

    init(_ behaviour: Behaviour) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        _ = listen(listener, 16)
        descriptor = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 { return }
                accepted.add(1, ordering: .relaxed)
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = recv(connection, &buffer, buffer.count, 0)
                switch behaviour {
                case .reset:
                    var hard = linger(l_onoff: 1, l_linger: 0)
                    setsockopt(connection, SOL_SOCKET, SO_LINGER, &hard, socklen_t(MemoryLayout<linger>.size))
                case .plainText:
                    let answer = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)
                    _ = send(connection, answer, answer.count, 0)
                }
                close(connection)
            }
        }
    }

    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }
}

@Suite("Forges below HTTP: connection reset and TLS failure")
struct TransportFaultTests {
    static let token = "ghp_TransportFault0123456789abcdefABCD"

    private func forges(scheme: String, port: Int) throws -> [(name: String, provider: any GitProvider)] {
        let url = "\(scheme)://127.0.0.1:\(port)"
        return [
            (
                "GitHub",
                try GitHubProvider(apiURL: url, repository: "homelab/platform", token: Self.token, retry: fastRetry)
            ),
            (
                "Gitea",
                try GiteaProvider(
                    apiURL: url + "/api/v1", repository: "homelab/platform", token: Self.token, retry: fastRetry)
            ),
        ]
    }

    private func failure(_ provider: any GitProvider) async -> GitProviderError? {
        do {
            _ = try await provider.openPullRequest(Drafts.web())
            return nil
        } catch {
            return error
        }
    }

    @Test("a reset connection is retried, then ends as upstream with the reason, for both forges")
    func connectionReset() async throws {
        for name in ["GitHub", "Gitea"] {
            let server = MisbehavingServer(.reset)
            defer { server.stop() }
            let provider = try forges(scheme: "http", port: server.port).first { $0.name == name }!.provider
            let error = try #require(await failure(provider))
            #expect(error.kind == .upstream, "\(name)")
            #expect(error.message.contains("connection reset"), "\(name): \(error.message)")
            #expect(error.message.contains("after \(fastRetry.maxAttempts) attempts"), "\(name): \(error.message)")
            #expect(server.connections == fastRetry.maxAttempts, "\(name): retried, then gave up")
            #expect(!error.message.contains(Self.token))
        }
    }

    @Test("a TLS failure (plain text where TLS was expected) ends as upstream at once, naming TLS, for both forges")
    func tlsFailure() async throws {
        for name in ["GitHub", "Gitea"] {
            let server = MisbehavingServer(.plainText)
            defer { server.stop() }
            let provider = try forges(scheme: "https", port: server.port).first { $0.name == name }!.provider
            let error = try #require(await failure(provider))
            #expect(error.kind == .upstream, "\(name)")
            #expect(error.message.contains("TLS"), "\(name): \(error.message)")
            #expect(server.connections == 1, "\(name): a TLS failure is not retried")
            #expect(!error.message.contains(Self.token))
        }
    }
}

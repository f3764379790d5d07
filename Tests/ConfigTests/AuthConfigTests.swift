import Auth
import Foundation
import Testing

@testable import Config

@Suite("Configuration: auth")
struct AuthConfigTests {
    private let hash = String(repeating: "ab", count: 32)

    private func load(_ environment: [String: String]) throws(ConfigError) -> HomeportConfig {
        try HomeportConfig.load(file: nil, environment: environment)
    }

    @Test("proxy mode: header names, trusted blocks, reading closed; and it may listen beyond loopback")
    func proxy() throws {
        let config = try load([
            "HOMEPORT_AUTH_MODE": "proxy", "HOMEPORT_SERVER_HOST": "0.0.0.0",
            "HOMEPORT_AUTH_READ_REQUIRES_USER": "true",
            "HOMEPORT_AUTH_PROXY_USER_HEADER": "Remote-User", "HOMEPORT_AUTH_PROXY_EMAIL_HEADER": "Remote-Email",
            "HOMEPORT_AUTH_PROXY_TRUSTED_ADDRESSES": "10.42.0.0/16, fd00::/8,192.168.1.5",
        ])
        #expect(config.auth.mode == .proxy)
        #expect(config.auth.readRequiresUser)
        #expect(config.auth.proxy.userHeader == "Remote-User")
        #expect(config.auth.proxy.emailHeader == "Remote-Email")
        #expect(config.auth.proxy.trustedAddresses.count == 3)
        #expect(config.auth.proxy.trustedAddresses[0].contains("10.42.7.1"))
    }

    @Test("auth.admins lists who may act on anyone's requests; a name with a format character is refused")
    func admins() throws {
        #expect(try load(["HOMEPORT_AUTH_ADMINS": "alice, ops-bot"]).auth.admins == ["alice", "ops-bot"])
        #expect(try load([:]).auth.admins.isEmpty)
        #expect(throws: ConfigError.self) { try load(["HOMEPORT_AUTH_ADMINS": "al\u{202E}ice"]) }
    }

    @Test("defaults: no sign-in, loopback proxies, X-Forwarded-User, limits")
    func defaults() throws {
        let config = try load([:])
        #expect(config.auth.mode == .none)
        #expect(config.auth.proxy.userHeader == "X-Forwarded-User")
        #expect(config.auth.proxy.trustedAddresses.map(\.description) == ["127.0.0.1/32", "::1/128"])
        #expect(config.jobs.perUserLimit == 3)
        #expect(config.jobs.shutdownGraceSeconds == 10)
        #expect(config.server.idleTimeoutSeconds == 30)
    }

    @Test("token mode takes hashes inline or a file")
    func token() throws {
        let inline = try load(["HOMEPORT_AUTH_MODE": "token", "HOMEPORT_AUTH_TOKENS": "ci:\(hash), ops:\(hash)"])
        #expect(inline.auth.tokens.entries.map(\.name) == ["ci", "ops"])
        let file = try load(["HOMEPORT_AUTH_MODE": "token", "HOMEPORT_AUTH_TOKENS_FILE": "/etc/homeport/tokens"])
        #expect(file.auth.tokensFile == "/etc/homeport/tokens")
    }

    @Test(
        "bad auth values stop the start with the key and the reason",
        arguments: [
            (["HOMEPORT_AUTH_MODE": "oidc"], "auth.mode: expected none, proxy or token, got 'oidc'"),
            (
                ["HOMEPORT_AUTH_MODE": "token"],
                "auth.mode: token mode needs token hashes in auth.tokens or auth.tokens_file"
            ),
            (
                ["HOMEPORT_AUTH_PROXY_TRUSTED_ADDRESSES": "10.0.0.0/8, proxy.lan"],
                "'proxy.lan' is not an IP address or CIDR block"
            ),
            (["HOMEPORT_AUTH_TOKENS": "my-plain-secret-token"], "expected NAME:SHA256"),
            (
                ["HOMEPORT_AUTH_MODE": "proxy", "HOMEPORT_AUTH_PROXY_TRUSTED_ADDRESSES": " "],
                "proxy mode needs the proxy's address"
            ),
            (["HOMEPORT_JOBS_PER_USER_LIMIT": "0"], "jobs.per_user_limit: expected a whole number from 1 to 10000"),
            (["HOMEPORT_SERVER_HOST": "0.0.0.0", "HOMEPORT_AUTH_MODE": "none"], "set auth.mode (proxy or token)"),
        ])
    func bad(_ environment: [String: String], _ message: String) {
        do {
            _ = try load(environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}

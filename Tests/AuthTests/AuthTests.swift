import Foundation
import Testing

@testable import Auth

@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "matches the FIPS 180-4 and NIST example vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
            // 55, 56 and 64 bytes: the padding's edge cases.
            (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        ])
    func vectors(_ message: String, _ digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test("a million 'a's (the long NIST vector)")
    func million() {
        #expect(
            SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("Trusted proxy addresses")
struct AddressRangeTests {
    @Test(
        "addresses inside and outside blocks",
        arguments: [
            ("10.0.0.0/8", "10.42.1.7", true), ("10.0.0.0/8", "11.0.0.1", false),
            ("192.168.1.10", "192.168.1.10", true), ("192.168.1.10", "192.168.1.11", false),
            ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.1", false),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false),
            ("::1", "::1", true),
            // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 addresses.
            ("10.0.0.0/8", "::ffff:10.1.2.3", true),
            ("10.0.0.0/8", "fd00::1", false), ("fd00::/8", "10.0.0.1", false),
            ("10.0.0.0/8", "not-an-address", false),
        ])
    func contains(_ block: String, _ address: String, _ inside: Bool) throws {
        #expect(try #require(AddressRange(block)).contains(address) == inside)
    }

    @Test(
        "malformed blocks are refused",
        arguments: ["", "10.0.0.0/33", "10.0.0/8", "fd00::/129", "proxy.local", "10.0.0.0/-1", "10.0.0.0/8/8"])
    func malformed(_ text: String) {
        #expect(AddressRange(text) == nil)
    }
}

/// `printf %s secret-one | sha256sum`
let secretOneHash = SHA256.hex(Array("secret-one".utf8))

@Suite("API tokens")
struct APITokensTests {
    @Test("entries name a token's owner by its hash; an unknown token has none")
    func owner() throws {
        let tokens = try APITokens.parse(
            "ci:\(secretOneHash), # a comment\nops-bot : \(SHA256.hex(Array("two".utf8)).uppercased())\n\n")
        #expect(tokens.entries.map(\.name) == ["ci", "ops-bot"])
        #expect(tokens.owner(of: "secret-one") == "ci")
        #expect(tokens.owner(of: "two") == "ops-bot")
        #expect(tokens.owner(of: "secret-on") == nil)
        #expect(tokens.owner(of: "") == nil)
        #expect(tokens.owner(of: secretOneHash) == nil, "the hash itself is not the token")
    }

    @Test(
        "malformed entries say what is expected, without echoing a whole secret",
        arguments: [
            ("ci", "expected NAME:SHA256"),
            ("ci:abc", "must be 64 hexadecimal digits"),
            (":\(String(repeating: "a", count: 64))", "expected NAME:SHA256"),
            ("ci:\(String(repeating: "g", count: 64))", "must be 64 hexadecimal digits"),
            ("plain-secret-token-value", "got an entry starting 'plain-secret'"),
        ])
    func malformed(_ text: String, _ reason: String) {
        #expect(throws: APITokens.ParseError.self) { try APITokens.parse(text) }
        do { _ = try APITokens.parse(text) } catch { #expect(error.reason.contains(reason), "\(error.reason)") }
    }

    @Test(
        "a token file is read again when it changes: deleting a line revokes the token, and a broken file accepts none")
    func revocation() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        let twoHash = SHA256.hex(Array("two".utf8))
        try "ci:\(secretOneHash)\nops:\(twoHash)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let store = TokenStore(inline: APITokens(), file: file)
        try store.load()
        #expect(store.owner(of: "secret-one") == "ci")
        #expect(store.owner(of: "two") == "ops")
        try "ops:\(twoHash)\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(store.owner(of: "secret-one") == nil, "revoked")
        #expect(store.owner(of: "two") == "ops")
        try "ops:\(twoHash)\nbroken line\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(store.owner(of: "two") == nil, "a file that no longer parses accepts no token")
        try FileManager.default.removeItem(atPath: file)
        #expect(store.owner(of: "two") == nil)
        #expect(throws: APITokens.ParseError.self) { try store.load() }
    }
}

@Suite("Who a request comes from")
struct AuthenticatorTests {
    let proxy = Authenticator(
        mode: .proxy, trustedProxies: [AddressRange("10.0.0.0/8")!],
        tokens: TokenStore(inline: try! APITokens.parse("ci:\(secretOneHash)"), file: nil))

    func headers(_ fields: [String: String]) -> (String) -> [String] {
        { name in fields.filter { $0.key.lowercased() == name.lowercased() }.map(\.value) }
    }

    /// Each header name with all the values a request sent for it.
    func repeated(_ fields: [(String, String)]) -> (String) -> [String] {
        { name in fields.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
    }

    func isRefused(_ outcome: Authenticator.Outcome) -> Bool {
        if case .invalidIdentity = outcome { return true }
        return false
    }

    @Test("proxy mode believes the user headers from a trusted proxy only")
    func proxyHeaders() {
        let sent = headers(["X-Forwarded-User": "alice", "X-Forwarded-Email": "alice@home.lab"])
        #expect(
            proxy.identify(headers: sent, peer: "10.0.0.5") == .user(Identity(name: "alice", email: "alice@home.lab")))
        #expect(proxy.identify(headers: sent, peer: "192.168.1.20") == .anonymous, "spoofed: not from the proxy")
        #expect(proxy.identify(headers: sent, peer: nil) == .anonymous)
        #expect(
            proxy.identify(headers: headers(["X-Forwarded-Email": "bob@home.lab"]), peer: "10.0.0.5")
                == .user(Identity(name: "bob@home.lab", email: "bob@home.lab")))
        #expect(
            isRefused(proxy.identify(headers: headers(["X-Forwarded-User": "eve\r\nX-Admin: 1"]), peer: "10.0.0.5")),
            "control characters")
        #expect(
            isRefused(
                proxy.identify(
                    headers: headers(["X-Forwarded-User": String(repeating: "a", count: 201)]), peer: "10.0.0.5")))
        #expect(proxy.identify(headers: headers([:]), peer: "10.0.0.5") == .anonymous)
    }

    @Test(
        "a repeated identity header, or a name with control or format characters, is refused, not joined or believed",
        arguments: [
            [("X-Forwarded-User", "mallory"), ("X-Forwarded-User", "alice")],
            [
                ("X-Forwarded-User", "alice"), ("X-Forwarded-Email", "a@home.lab"),
                ("X-Forwarded-Email", "m@evil.example"),
            ],
            [("X-Forwarded-User", "al\u{202E}ecila")],
            [("X-Forwarded-User", "ali\u{200B}ce")],
            [("X-Forwarded-User", "alice\u{7}")],
            [("Authorization", "Bearer secret-one"), ("Authorization", "Bearer other")],
        ])
    func ambiguousIdentity(_ sent: [(String, String)]) {
        let outcome = proxy.identify(headers: repeated(sent), peer: "10.0.0.5")
        #expect(isRefused(outcome), "\(outcome)")
    }

    @Test("auth.admins marks the names that may act on anyone's requests")
    func admins() {
        let authenticator = Authenticator(mode: .proxy, trustedProxies: [AddressRange("10.0.0.0/8")!], admins: ["root"])
        #expect(
            authenticator.identify(headers: headers(["X-Forwarded-User": "root"]), peer: "10.0.0.5")
                == .user(Identity(name: "root", isAdmin: true)))
        #expect(
            authenticator.identify(headers: headers(["X-Forwarded-User": "alice"]), peer: "10.0.0.5")
                == .user(Identity(name: "alice")))
    }

    @Test("header names are configurable (Authelia's Remote-User)")
    func autheliaHeaders() {
        let authelia = Authenticator(
            mode: .proxy, userHeader: "Remote-User", emailHeader: "Remote-Email",
            trustedProxies: [AddressRange("10.0.0.0/8")!])
        #expect(
            authelia.identify(headers: headers(["Remote-User": "carol"]), peer: "10.1.1.1")
                == .user(Identity(name: "carol")))
        #expect(authelia.identify(headers: headers(["X-Forwarded-User": "mallory"]), peer: "10.1.1.1") == .anonymous)
    }

    @Test("bearer tokens: a valid one names its owner, an unknown one is refused, in token and proxy modes")
    func bearer() {
        let token = Authenticator(
            mode: .token, tokens: TokenStore(inline: try! APITokens.parse("ci:\(secretOneHash)"), file: nil))
        for authenticator in [token, proxy] {
            #expect(
                authenticator.identify(headers: headers(["Authorization": "Bearer secret-one"]), peer: "192.168.1.2")
                    == .user(Identity(name: "ci")))
            #expect(
                authenticator.identify(headers: headers(["Authorization": "bearer secret-one"]), peer: nil)
                    == .user(Identity(name: "ci")))
            #expect(
                authenticator.identify(headers: headers(["Authorization": "Bearer wrong"]), peer: nil) == .invalidToken)
        }
        #expect(
            token.identify(headers: headers(["X-Forwarded-User": "alice"]), peer: "127.0.0.1") == .anonymous,
            "token mode ignores proxy headers")
        #expect(
            Authenticator.anonymous.identify(
                headers: headers(["Authorization": "Bearer wrong", "X-Forwarded-User": "x"]), peer: "127.0.0.1")
                == .anonymous)
    }

    @Test("writing needs a user whenever a mode is set; reading only when asked")
    func anonymousAccess() {
        #expect(Authenticator.anonymous.allowsAnonymous(write: true))
        #expect(proxy.allowsAnonymous(write: false))
        #expect(!proxy.allowsAnonymous(write: true))
        var closed = proxy
        closed.readRequiresUser = true
        #expect(!closed.allowsAnonymous(write: false))
    }
}

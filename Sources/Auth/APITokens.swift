import Foundation
import Synchronization

/// API bearer tokens, known only by their SHA-256 hashes: `NAME:HEX` entries, where NAME is who
/// the token belongs to (it becomes the request's `requested_by`) and HEX is
/// `printf %s "$TOKEN" | sha256sum`.
public struct APITokens: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        var digest: [UInt8]
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Why an entry was refused, for the configuration error.
    public struct ParseError: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Parses entries separated by commas or newlines; blank lines and `#` comments are skipped.
    public static func parse(_ text: String) throws(ParseError) -> APITokens {
        var entries: [Entry] = []
        for raw in text.split(whereSeparator: { $0 == "," || $0.isNewline }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, Identity.isValidName(parts[0]) else {
                throw ParseError(
                    reason:
                        "expected NAME:SHA256 (the token's name, a colon, then 64 hexadecimal digits), got an entry starting '\(line.prefix(12))'"
                )
            }
            guard let digest = hexBytes(parts[1]), digest.count == 32 else {
                throw ParseError(
                    reason:
                        "the hash of token '\(parts[0])' must be 64 hexadecimal digits (printf %s \"$TOKEN\" | sha256sum)"
                )
            }
            entries.append(Entry(name: parts[0], digest: digest))
        }
        return APITokens(entries: entries)
    }

    /// The name of the token whose hash matches `token`'s, or nil.
    ///
    /// Every entry is compared in full with no early exit, so the time taken does not tell how
    /// much of a hash a guess matched.
    public func owner(of token: String) -> String? {
        let presented = SHA256.digest(Array(token.utf8))
        var match: String?
        for entry in entries where Self.constantTimeEquals(entry.digest, presented) {
            match = match ?? entry.name
        }
        return match
    }

    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.lowercased().utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }
}

/// Tokens from the configuration plus a token file, read again whenever the file changes, so
/// revoking a token is deleting its line: no restart.
///
/// A file that cannot be read or parsed any more accepts no token from it (fail closed): a typo
/// while revoking must not keep the revoked token alive.
public final class TokenStore: Sendable {
    private let inline: APITokens
    private let file: String?
    private let cache = Mutex<(modified: Date?, size: Int, tokens: APITokens)?>(nil)

    public init(inline: APITokens, file: String?) {
        self.inline = inline
        self.file = file
    }

    /// Reads the file once, for the start to fail on a bad one.
    public func load() throws(APITokens.ParseError) {
        guard let file else { return }
        _ = try Self.read(file)
    }

    /// The name of the token's owner, or nil for an unknown or revoked token.
    public func owner(of token: String) -> String? {
        inline.owner(of: token) ?? current()?.owner(of: token)
    }

    private func current() -> APITokens? {
        guard let file else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        let modified = attributes?[.modificationDate] as? Date
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
        if let cached = cache.withLock({ $0 }), cached.modified == modified, cached.size == size, modified != nil {
            return cached.tokens
        }
        let tokens = (try? Self.read(file)) ?? APITokens()
        cache.withLock { $0 = (modified, size, tokens) }
        return tokens
    }

    private static func read(_ file: String) throws(APITokens.ParseError) -> APITokens {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw APITokens.ParseError(reason: "cannot read the token file \(file)")
        }
        return try APITokens.parse(text)
    }
}

import Foundation

/// Keeps credentials out of everything a provider says: error messages, traces, git's stderr.
struct Redactor: Sendable {
    /// Strings that must never be shown (tokens); shorter than 4 characters are ignored.
    let secrets: [String]

    init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// `text` with every secret and every `scheme://user:password@` credential replaced.
    func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets {
            result = result.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return Self.stripURLCredentials(result)
    }

    /// `https://user:token@host/x` becomes `https://[redacted]@host/x`.
    static func stripURLCredentials(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var output = ""
        var rest = Substring(text)
        while let schemeEnd = rest.range(of: "://") {
            output += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            // The authority ends at the first of "/ ? #" or whitespace; userinfo is what precedes its last "@".
            let authorityEnd =
                rest.firstIndex { "/?#".contains($0) || $0.isWhitespace || $0 == "'" || $0 == "\"" } ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                output += "[redacted]@" + authority[authority.index(after: at)...]
            } else {
                output += authority
            }
            rest = rest[authorityEnd...]
        }
        return output + rest
    }

    /// One line of at most `limit` characters, scrubbed: fit for an error message.
    func excerpt(_ text: String, limit: Int = 300) -> String {
        let oneLine = scrub(text)
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " | ")
        return oneLine.count > limit ? String(oneLine.prefix(limit)) + "…" : oneLine
    }
}

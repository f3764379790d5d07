import Foundation

/// Who is making a request, as far as Homeport can tell.
public struct Identity: Sendable, Equatable {
    public var name: String
    public var email: String?

    public init(name: String, email: String? = nil) {
        self.name = name
        self.email = email
    }

    /// A user or token name: 1 to 200 printable characters (no control characters), so that a
    /// header can never smuggle a line break into logs or pages.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// `auth.mode`.
public enum AuthMode: String, Sendable, CaseIterable {
    /// Nobody signs in; Homeport then listens on loopback only unless told otherwise.
    case none
    /// A reverse proxy signs users in and names them in headers.
    case proxy
    /// API clients present bearer tokens.
    case token
}

/// Decides who a request comes from, from its headers and the address it came from. Pure: the
/// portal's middleware turns the outcome into a response.
public struct Authenticator: Sendable {
    public var mode: AuthMode
    /// Header naming the user (`proxy` mode), e.g. `X-Forwarded-User`.
    public var userHeader: String
    /// Header with the user's e-mail (`proxy` mode); used as the name when the user header is absent.
    public var emailHeader: String
    /// Peers whose user headers are believed.
    public var trustedProxies: [AddressRange]
    public var tokens: TokenStore
    /// Reading pages needs a user too (writing always does, unless the mode is `none`).
    public var readRequiresUser: Bool

    public init(mode: AuthMode, userHeader: String = "X-Forwarded-User", emailHeader: String = "X-Forwarded-Email",
                trustedProxies: [AddressRange] = [], tokens: TokenStore = TokenStore(inline: APITokens(), file: nil), readRequiresUser: Bool = false) {
        self.mode = mode
        self.userHeader = userHeader
        self.emailHeader = emailHeader
        self.trustedProxies = trustedProxies
        self.tokens = tokens
        self.readRequiresUser = readRequiresUser
    }

    /// Nobody signs in: the portal as it runs on a workstation.
    public static let anonymous = Authenticator(mode: .none)

    public enum Outcome: Sendable, Equatable {
        case anonymous
        case user(Identity)
        /// A bearer token was presented and is unknown or revoked.
        case invalidToken
    }

    /// - Parameters:
    ///   - header: the request's header with that name, if any.
    ///   - peer: the address of the connection's other end (the proxy, behind one).
    public func identify(header: (String) -> String?, peer: String?) -> Outcome {
        if mode == .none { return .anonymous }
        if let authorization = header("Authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                guard let owner = tokens.owner(of: parts[1].trimmingCharacters(in: .whitespaces)) else { return .invalidToken }
                return .user(Identity(name: owner))
            }
        }
        guard mode == .proxy, let peer, trustedProxies.contains(where: { $0.contains(peer) }) else { return .anonymous }
        let email = header(emailHeader).flatMap { Identity.isValidName($0) ? $0 : nil }
        guard let name = header(userHeader).flatMap({ Identity.isValidName($0) ? $0 : nil }) ?? email else { return .anonymous }
        return .user(Identity(name: name, email: email))
    }

    /// Whether a request without a user may go on: reads unless `readRequiresUser`, and no write
    /// unless the mode is `none`.
    public func allowsAnonymous(write: Bool) -> Bool {
        mode == .none || (!write && !readRequiresUser)
    }
}

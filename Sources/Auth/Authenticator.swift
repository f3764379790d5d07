import Foundation

/// Who is making a request, as far as Homeport can tell.
public struct Identity: Sendable, Equatable {
    public var name: String
    public var email: String?

    /// Whether this identity may act on (cancel, retry, open the pull request of) requests made by
    /// someone else: the names in `auth.admins`.
    public var isAdmin = false

    public init(name: String, email: String? = nil, isAdmin: Bool = false) {
        self.name = name
        self.email = email
        self.isAdmin = isAdmin
    }

    /// A user or token name: 1 to 200 printable characters, so that a header can never smuggle a
    /// line break into logs or pages (control characters), nor a name that reads as another one
    /// (format characters such as U+202E, right-to-left override, or zero-width joiners).
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200
            && !name.unicodeScalars.contains { [.control, .format].contains($0.properties.generalCategory) }
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
    /// Users and token names that may act on anyone's requests (`auth.admins`).
    public var admins: Set<String>

    public init(
        mode: AuthMode, userHeader: String = "X-Forwarded-User", emailHeader: String = "X-Forwarded-Email",
        trustedProxies: [AddressRange] = [], tokens: TokenStore = TokenStore(inline: APITokens(), file: nil),
        readRequiresUser: Bool = false,
        admins: Set<String> = []
    ) {
        self.mode = mode
        self.userHeader = userHeader
        self.emailHeader = emailHeader
        self.trustedProxies = trustedProxies
        self.tokens = tokens
        self.readRequiresUser = readRequiresUser
        self.admins = admins
    }

    /// Nobody signs in: the portal as it runs on a workstation.
    public static let anonymous = Authenticator(mode: .none)

    public enum Outcome: Sendable, Equatable {
        case anonymous
        case user(Identity)
        /// A bearer token was presented and is unknown or revoked.
        case invalidToken
        /// The identity headers contradict themselves or name nobody anyone could be: sent twice
        /// (a proxy that appends instead of replacing would let a client's own value through), or
        /// holding control or format characters.
        case invalidIdentity(String)
    }

    /// - Parameters:
    ///   - headers: every value the request sent for the header with that name, in order.
    ///   - peer: the address of the connection's other end (the proxy, behind one), read only in
    ///     `proxy` mode.
    public func identify(headers: (String) -> [String], peer: @autoclosure () -> String?) -> Outcome {
        if mode == .none { return .anonymous }
        let authorization = headers("Authorization")
        if authorization.count > 1 { return .invalidIdentity("The request sends Authorization more than once.") }
        if let authorization = authorization.first {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                guard let owner = tokens.owner(of: parts[1].trimmingCharacters(in: .whitespaces)) else {
                    return .invalidToken
                }
                return .user(identity(owner))
            }
        }
        guard mode == .proxy, let peer = peer(), trustedProxies.contains(where: { $0.contains(peer) }) else {
            return .anonymous
        }
        var values: [String: String] = [:]
        for header in [userHeader, emailHeader] {
            let sent = headers(header)
            guard sent.count <= 1 else {
                return .invalidIdentity("The proxy sent \(header) more than once; Homeport believes one value only.")
            }
            guard let value = sent.first else { continue }
            guard Identity.isValidName(value) else {
                return .invalidIdentity(
                    "\(header) is empty, longer than 200 characters, or holds control or format characters.")
            }
            values[header] = value
        }
        let email = values[emailHeader]
        guard let name = values[userHeader] ?? email else { return .anonymous }
        var user = identity(name)
        user.email = email
        return .user(user)
    }

    private func identity(_ name: String) -> Identity {
        Identity(name: name, isAdmin: admins.contains(name))
    }

    /// Whether a request without a user may go on: reads unless `readRequiresUser`, and no write
    /// unless the mode is `none`.
    public func allowsAnonymous(write: Bool) -> Bool {
        mode == .none || (!write && !readRequiresUser)
    }
}

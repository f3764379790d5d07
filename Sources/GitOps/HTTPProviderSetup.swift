import Foundation
import HTTPClient

/// Checks shared by the HTTP providers' initializers.
enum HTTPProviderSetup {
    /// The REST client of a forge: the token and URL checked, the service's headers (from the
    /// checked token) plus `User-Agent`, and a redactor that keeps the token out of every message.
    static func client(
        service: String, apiURL: String, repository: String, token: String,
        headers: (String) -> [(name: String, value: String)],
        http: CurlHTTPClient, retry: RetryPolicy, timeouts: HTTPTimeouts, caBundlePath: String?,
        trace: GitProviderTraceHandler?
    ) throws(GitProviderError) -> RESTClient {
        let token = try Self.token(token, service: service)
        let redactor = Redactor(secrets: [token])
        return RESTClient(
            service: service,
            baseURL: try apiRoot(apiURL, service: service, redactor: redactor),
            repository: try RepositoryName(repository),
            headers: headers(token) + [(name: "User-Agent", value: "homeport")],
            http: http,
            retry: retry,
            timeouts: timeouts,
            caBundlePath: caBundlePath,
            redactor: redactor,
            trace: trace
        )
    }

    static func apiRoot(_ url: String, service: String, redactor: Redactor) throws(GitProviderError) -> String {
        var root = url.trimmingCharacters(in: .whitespaces)
        while root.hasSuffix("/") {
            root.removeLast()
        }
        guard let components = URLComponents(string: root),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil,
            components.query == nil, components.fragment == nil
        else {
            throw GitProviderError(
                kind: .configuration,
                message:
                    "\(service) API URL must be http(s)://host[/path] without credentials, got \"\(String(redactor.scrub(url).prefix(200)))\""
            )
        }
        return root
    }

    static func token(_ token: String, service: String) throws(GitProviderError) -> String {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw GitProviderError(kind: .configuration, message: "no \(service) token configured")
        }
        guard !trimmed.contains(where: { $0.isNewline || $0 == "\r" }) else {
            throw GitProviderError(kind: .configuration, message: "the \(service) token contains a line break")
        }
        return trimmed
    }
}

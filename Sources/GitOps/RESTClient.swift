import Foundation
import HTTPClient

/// The JSON-over-HTTP plumbing shared by `GitHubProvider` and `GiteaProvider`: URLs, headers,
/// retries with backoff, rate limits, and the mapping of statuses to `GitProviderError`.
///
/// Every exchange goes through `CurlHTTPClient`. Messages it produces are scrubbed of the token.
struct RESTClient: Sendable {
    /// "GitHub" or "Gitea", for messages.
    let service: String
    /// API root without a trailing slash (`https://api.github.com`).
    let baseURL: String
    let repository: RepositoryName
    /// Sent with every request (authorization, accept, user agent).
    let headers: [(name: String, value: String)]
    let http: CurlHTTPClient
    let retry: RetryPolicy
    let timeouts: HTTPTimeouts
    let caBundlePath: String?
    let redactor: Redactor
    let trace: GitProviderTraceHandler?

    /// `/repos/{owner}/{name}` followed by `segments`, each percent-encoded (slashes inside a
    /// segment are kept: branch names and file paths span several path segments).
    func repoPath(_ segments: String...) -> String {
        let all = [repository.owner, repository.name] + segments
        return "/repos/" + all.map(Self.encodePath).joined(separator: "/")
    }

    static func encodePath(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? text
    }

    static func encodeQuery(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    private static let pathAllowed = unreserved.union(CharacterSet(charactersIn: "/:@!$'()*,"))
    private static let queryAllowed = unreserved.union(CharacterSet(charactersIn: "/:@!$'()*,"))

    /// Encodes a request body: sorted keys, so requests are stable and easy to compare.
    static func encode<Body: Encodable>(_ body: Body) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The bodies are plain structs of strings; encoding them cannot fail.
        return (try? Array(encoder.encode(body))) ?? Array("{}".utf8)
    }

    /// Sends one request and returns its response when the status is 2xx or listed in `passing`;
    /// otherwise retries or throws the matching `GitProviderError`.
    func send(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil,
        passing: Set<Int> = [],
        extraHeaders: [(name: String, value: String)] = []
    ) async throws(GitProviderError) -> UpstreamResponse {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.encodeQuery($0.0))=\(Self.encodeQuery($0.1))" }.joined(separator: "&")
        }
        var requestHeaders = headers + extraHeaders
        if body != nil {
            requestHeaders.append((name: "Content-Type", value: "application/json"))
        }
        var request = UpstreamRequest(
            method: method, url: url, headers: requestHeaders, body: body,
            connectTimeout: timeouts.connect, timeout: timeouts.total, caBundlePath: caBundlePath
        )
        let shown = "\(method) \(path)"
        var attempt = 0
        var waitedForRateLimit = false
        var redirects = 0
        while true {
            attempt += 1
            url = request.url
            let started = ContinuousClock.now
            let outcome: Result<UpstreamResponse, HTTPClientError>
            do {
                outcome = .success(try await http.send(request))
            } catch {
                outcome = .failure(error)
            }
            let elapsed = started.duration(to: .now)
            let milliseconds = Int(
                elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)

            switch outcome {
            case .failure(let failure):
                trace?(
                    GitProviderTrace(
                        method: method, url: redactor.scrub(url), attempt: attempt, status: nil,
                        failure: failure.kind.rawValue, milliseconds: milliseconds
                    ))
                let transient = failure.kind == .connectionRefused || failure.kind == .connectionReset
                if transient && attempt < retry.maxAttempts {
                    try await pause(retry.delay(beforeRetry: attempt), while: shown)
                    continue
                }
                let tries = attempt > 1 ? " after \(attempt) attempts" : ""
                if failure.kind == .tls {
                    // The reason names what to fix (an unknown issuer: set tls.ca_file), and the host
                    // which server; waiting does not fix a certificate, so it is not transient.
                    throw GitProviderError(
                        kind: .upstream,
                        message:
                            "could not reach \(service) for \(shown): TLS failure talking to \(hostOf(url)): \(redactor.excerpt(failure.message, limit: 200))",
                        isTransient: false
                    )
                }
                throw GitProviderError(
                    kind: .upstream,
                    message:
                        "could not reach \(service) at \(hostOf(url)) for \(shown)\(tries): \(failure.kind.rawValue) (\(redactor.excerpt(failure.message, limit: 200)))",
                    isTransient: failure.kind != .invalidRequest
                )

            case .success(let response):
                trace?(
                    GitProviderTrace(
                        method: method, url: redactor.scrub(url), attempt: attempt, status: response.status,
                        failure: nil, milliseconds: milliseconds
                    ))
                let status = response.status
                if Self.redirectStatuses.contains(status), let location = response.header("Location") {
                    request.url = try redirectTarget(location, from: url, answering: shown, hops: redirects)
                    redirects += 1
                    // Following a redirect is not a retry: the attempt number stays.
                    attempt -= 1
                    continue
                }
                if (200..<300).contains(status) || passing.contains(status) {
                    return response
                }
                if let limit = rateLimit(of: response) {
                    if !waitedForRateLimit, let wait = limit, wait <= retry.maxRateLimitWait {
                        waitedForRateLimit = true
                        attempt -= 1
                        try await pause(wait, while: shown)
                        continue
                    }
                    let reset = limit.map { " (resets in \(secondsText($0)))" } ?? ""
                    throw GitProviderError(
                        kind: .rateLimited,
                        message:
                            "\(service) rate limit exceeded for \(shown) (\(status))\(reset)\(upstreamMessage(response).map { ": \($0)" } ?? "")",
                        retryAfter: limit
                    )
                }
                switch status {
                case 401:
                    throw GitProviderError(
                        kind: .unauthorized, message: "\(service): the token was refused (401) for \(shown)")
                case 403:
                    throw GitProviderError(
                        kind: .forbidden,
                        message:
                            "\(service) forbids \(shown) with this token (403)\(upstreamMessage(response).map { ": \($0)" } ?? "")"
                    )
                case 404:
                    throw GitProviderError(kind: .notFound, message: "\(service) has no \(path) (404)")
                case 500...599:
                    if attempt < retry.maxAttempts {
                        try await pause(retry.delay(beforeRetry: attempt), while: shown)
                        continue
                    }
                    let tries = attempt > 1 ? " after \(attempt) attempts" : ""
                    throw GitProviderError(
                        kind: .upstream,
                        message:
                            "\(service) answered \(Self.statusLine(status)) to \(shown)\(tries)\(upstreamMessage(response).map { ": \($0)" } ?? "")"
                    )
                default:
                    throw unexpected(response, to: shown)
                }
            }
        }
    }

    /// Decodes a JSON answer or throws `invalidResponse`.
    func decode<T: Decodable>(_ type: T.Type, from response: UpstreamResponse, of request: String)
        throws(GitProviderError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw GitProviderError(
                kind: .invalidResponse,
                message:
                    "\(service) answered \(request) with \(response.status) and a body Homeport cannot read: \(redactor.excerpt(describe(error), limit: 200))"
            )
        }
    }

    /// The error for a status the caller did not expect.
    func unexpected(_ response: UpstreamResponse, to request: String) -> GitProviderError {
        GitProviderError(
            kind: .invalidResponse,
            message:
                "\(service) answered \(Self.statusLine(response.status)) to \(request)\(upstreamMessage(response).map { ": \($0)" } ?? "")"
        )
    }

    /// The upstream's own explanation (`message` and any `errors[].message`), scrubbed and shortened.
    func upstreamMessage(_ response: UpstreamResponse) -> String? {
        guard let error = try? JSONDecoder().decode(UpstreamErrorBody.self, from: Data(response.body)) else {
            let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty || text.hasPrefix("<") ? nil : redactor.excerpt(text, limit: 200)
        }
        let details = (error.errors ?? []).compactMap(\.message).filter { !$0.isEmpty }
        let parts = [error.message].compactMap { $0 }.filter { !$0.isEmpty } + details
        return parts.isEmpty ? nil : redactor.excerpt(parts.joined(separator: "; "), limit: 300)
    }

    /// The text of `message` and `errors[].message`, unshortened, for matching known answers.
    func upstreamText(_ response: UpstreamResponse) -> String {
        guard let error = try? JSONDecoder().decode(UpstreamErrorBody.self, from: Data(response.body)) else {
            return response.text
        }
        return ([error.message] + (error.errors ?? []).map(\.message)).compactMap { $0 }.joined(separator: "\n")
    }

    /// For a rate-limited answer: `.some(seconds until reset)` or `.some(nil)` when unknown;
    /// `nil` when the answer is not about rate limiting.
    ///
    /// GitHub's documented order ("Rate limits for the REST API"): `Retry-After` when present,
    /// else `x-ratelimit-reset` when `x-ratelimit-remaining` is 0, else, for a secondary rate
    /// limit (403 or 429 whose message says so), "wait for at least one minute".
    private func rateLimit(of response: UpstreamResponse) -> Double?? {
        let retryAfter = response.header("Retry-After").flatMap(Self.parseRetryAfter)
        let reset = response.header("x-ratelimit-reset").flatMap(Double.init).flatMap {
            Self.sane($0 - Date().timeIntervalSince1970)
        }
        let exhausted = response.header("x-ratelimit-remaining") == "0"
        switch response.status {
        case 403, 429:
            if let retryAfter { return .some(retryAfter) }
            if exhausted { return .some(reset) }
            if isSecondaryRateLimit(response) { return .some(Self.secondaryRateLimitWait) }
            return response.status == 429 ? .some(nil) : nil
        default:
            return nil
        }
    }

    /// Seconds to wait after GitHub's secondary rate limit when it sends no `Retry-After`.
    static let secondaryRateLimitWait = 60.0

    /// GitHub says "You have exceeded a secondary rate limit" (formerly "abuse detection mechanism").
    private func isSecondaryRateLimit(_ response: UpstreamResponse) -> Bool {
        let text = upstreamText(response)
        return text.localizedCaseInsensitiveContains("secondary rate limit")
            || text.localizedCaseInsensitiveContains("abuse detection")
    }

    /// Statuses whose `Location` is followed: a renamed or transferred repository answers 301
    /// (GitHub: "this and all future requests should be directed to the new URI"), and the
    /// request is repeated as it was, method and body included.
    static let redirectStatuses: Set<Int> = [301, 302, 307, 308]
    static let maxRedirects = 5

    /// The absolute URL of `location`, when it stays on the API's own scheme, host and port: the
    /// request carries the token, which belongs to that host alone. Anything else fails the call
    /// (not transient: only a person can say whether the new host is to be trusted).
    private func redirectTarget(_ location: String, from url: String, answering request: String, hops: Int)
        throws(GitProviderError) -> String
    {
        guard hops < Self.maxRedirects else {
            throw GitProviderError(
                kind: .invalidResponse,
                message: "\(service) redirected \(request) more than \(Self.maxRedirects) times")
        }
        guard let current = URL(string: url), let target = URL(string: location, relativeTo: current)?.absoluteURL,
            let base = URLComponents(string: baseURL),
            let next = URLComponents(url: target, resolvingAgainstBaseURL: true),
            next.scheme?.lowercased() == base.scheme?.lowercased(), next.host?.lowercased() == base.host?.lowercased(),
            next.port == base.port, next.user == nil, next.password == nil
        else {
            throw GitProviderError(
                kind: .invalidResponse,
                message:
                    "\(service) redirected \(request) to \(redactor.excerpt(location, limit: 200)), off \(hostOf(baseURL)); Homeport follows redirects on the API's own host only, where its token belongs"
            )
        }
        return target.absoluteString
    }

    /// `Retry-After` is either delay-seconds or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) {
            return sane(seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return sane(date.timeIntervalSinceNow)
    }

    /// A wait an upstream asked for, as a number later code can turn into whole milliseconds
    /// without trapping: nil when not finite (`inf`, `nan`), else within 0 s to a day.
    static func sane(_ seconds: Double) -> Double? {
        seconds.isFinite ? min(max(0, seconds), 86_400) : nil
    }

    private func pause(_ seconds: Double, while request: String) async throws(GitProviderError) {
        if seconds > 0 {
            try? await Task.sleep(for: .milliseconds(Int((seconds * 1000).rounded(.up))))
        }
        if Task.isCancelled {
            throw GitProviderError(kind: .upstream, message: "cancelled while waiting to retry \(request)")
        }
    }

    private func hostOf(_ url: String) -> String {
        redactor.scrub(
            URLComponents(string: url).flatMap { components in
                components.host.map { host in components.port.map { "\(host):\($0)" } ?? host }
            } ?? baseURL)
    }

    private func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(Self.path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(Self.path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "unreadable value at \(Self.path(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty
            ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func statusLine(_ status: Int) -> String {
        let reasons = [
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 410: "Gone", 413: "Payload Too Large", 422: "Unprocessable Entity", 423: "Locked",
            429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout",
        ]
        return reasons[status].map { "\(status) \($0)" } ?? "\(status)"
    }
}

/// Connection and whole-exchange limits for the HTTP providers, in seconds.
public struct HTTPTimeouts: Sendable, Equatable {
    public var connect: Double
    public var total: Double

    public init(connect: Double = 5, total: Double = 30) {
        self.connect = connect
        self.total = total
    }
}

/// The error body both GitHub and Gitea use: `{"message": "...", "errors": [{"message": "..."}]}`.
struct UpstreamErrorBody: Decodable {
    struct Detail: Decodable {
        var message: String?
    }

    var message: String?
    var errors: [Detail]?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        // Gitea's `errors` may be a list of strings; GitHub's a list of objects.
        if let details = try? container.decodeIfPresent([Detail].self, forKey: .errors) {
            errors = details
        } else if let strings = try? container.decodeIfPresent([String].self, forKey: .errors) {
            errors = strings.map { Detail(message: $0) }
        } else {
            errors = nil
        }
    }

    private enum CodingKeys: String, CodingKey {
        case message, errors
    }
}

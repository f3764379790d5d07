import Auth
import Foundation
import GitOps
import Hummingbird
import HummingbirdTesting
import Logging
import Ollama
import Platform
import Provisioning
import Status
import Store
import Synchronization

@testable import Portal

/// The repository's root folder (it holds Templates/, Public/ and the fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

let quietLogger: Logger = {
    var logger = Logger(label: "homeport-tests")
    logger.logLevel = .critical
    return logger
}()

func platformState(root: String) throws -> PlatformState {
    try PlatformState(
        loader: PlatformLoader(
            paths: PlatformPaths(
                root: root, catalog: "catalog/locations.yaml", adrDir: "docs/adr", inventory: "platform/inventory.yaml",
                services: "platform/services.yaml", dashboardsDir: "monitoring/dashboards", gitopsAppsDir: "gitops/apps"
            )), logger: quietLogger)
}

/// The portal's router over a platform repository, as the server builds it.
func portal(root: String = repositoryRoot + "/examples/homelab") async throws -> (
    Application<RouterResponder<PortalRequestContext>>, PlatformState
) {
    let (app, state, _) = try await portalWithProvisioning(root: root)
    return (app, state)
}

/// The portal with its new-app flow on a fresh database, an Ollama at `ollamaURL` (by default a
/// closed port) and a Git provider that records what it is asked.
func portalWithProvisioning(
    root: String = repositoryRoot + "/examples/homelab", ollamaURL: String = "http://127.0.0.1:9",
    provider: RecordingGitProvider = RecordingGitProvider(),
    autoPR: Bool = false, authenticator: Authenticator = .anonymous, perUserLimit: Int = 3, startRunner: Bool = true,
    model: String = "qwen2.5-coder:7b", state givenState: PlatformState? = nil, monitor: StatusMonitor? = nil
) async throws -> (Application<RouterResponder<PortalRequestContext>>, PlatformState, ProvisioningService) {
    let state = try givenState ?? platformState(root: root)
    let provisioning = try await testProvisioning(
        ollamaURL: ollamaURL, provider: provider, autoPR: autoPR, model: model,
        perUserLimit: perUserLimit, startRunner: startRunner)
    let router =
        if let monitor {
            try await buildRouter(
                state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot,
                authenticator: authenticator, monitor: monitor)
        } else {
            try await buildRouter(
                state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot,
                authenticator: authenticator)
        }
    return (Application(router: router, logger: quietLogger), state, provisioning)
}

func testProvisioning(
    ollamaURL: String, provider: any GitProvider, autoPR: Bool, model: String = "qwen2.5-coder:7b",
    queueLimit: Int = 50, perUserLimit: Int = 3, startRunner: Bool = true,
    traceStatement: (@Sendable (String) -> Void)? = nil
) async throws -> ProvisioningService {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-db-\(UUID().uuidString)").path
    let database = try HomeportDatabase(path: folder + "/homeport.sqlite", traceStatement: traceStatement)
    try database.migrate(folder: repositoryRoot + "/migrations")
    let store = RequestStore(database: database)
    let feed = LiveFeed()
    // The example homelab's known images, as a server on that platform repository reads them.
    let knownImages = KnownImages.parse(
        try String(contentsOfFile: repositoryRoot + "/examples/homelab/" + KnownImages.path, encoding: .utf8)
    ).images
    let settings = ProvisioningSettings(
        model: model, autoPR: autoPR, generationTimeout: 20, queueLimit: queueLimit, perUserLimit: perUserLimit,
        knownImages: { knownImages })
    // Limits no test waits for: far longer than any delay of a loaded machine.
    let ollama = OllamaClient(baseURL: ollamaURL, timeouts: OllamaTimeouts(connect: 30, firstToken: 30, total: 60))
    let runner = JobRunner(
        store: store, ollama: ollama, provider: provider, settings: settings, feed: feed, logger: quietLogger)
    if startRunner { try await runner.start() }
    return ProvisioningService(store: store, runner: runner, feed: feed, ollama: ollama, settings: settings)
}

/// A status monitor that watches the Ollama at `url` (and nothing else), after its first poll of
/// the models has ended; it polls no more.
func monitorAfterOnePoll(ollamaURL url: String) async throws -> StatusMonitor {
    let monitor = StatusMonitor(
        settings: StatusSettings(
            ollama: OllamaClient(baseURL: url, timeouts: OllamaTimeouts(connect: 30, firstToken: 30, total: 60))),
        metrics: UpstreamMetrics(), logger: quietLogger, services: { [] })
    let polling = Task { await monitor.run() }
    defer { polling.cancel() }
    for _ in 0..<3000 where monitor.board.current.ollamaModels?.attemptedAt == nil {
        try await Task.sleep(for: .milliseconds(20))
    }
    return monitor
}

/// A Git provider that keeps the drafts it receives and answers like a forge would.
final class RecordingGitProvider: GitProvider, Sendable {
    private let drafts = Mutex([PullRequestDraft]())

    var received: [PullRequestDraft] { drafts.withLock { $0 } }

    func openPullRequest(_ draft: PullRequestDraft) async throws(GitProviderError) -> PullRequestResult {
        let number = drafts.withLock { drafts -> Int in
            drafts.append(draft)
            return drafts.count
        }
        return PullRequestResult(
            url: "https://git.example/pulls/\(number)", number: number, branch: draft.branch, commit: "abc123",
            diff: nil, reused: false)
    }
}

extension TestClientProtocol {
    /// GETs `path` and returns the status and the body as text.
    func page(_ path: String) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        try await execute(uri: path, method: .get) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }
}

/// A copy of a folder in a fresh temporary place, to change files under a running portal.
func copyOfFolder(_ path: String) throws -> String {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-copy-\(UUID().uuidString)").path
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    return copy
}

/// A browser's CSRF cookie, taken from the first page with a form it loads.
struct BrowserSession {
    let token: String

    init(_ client: some TestClientProtocol) async throws {
        token = try await client.execute(uri: "/apps/new", method: .get) { response in
            let cookie = response.headers[.setCookie] ?? ""
            return String(cookie.split(separator: ";").first?.split(separator: "=").last ?? "")
        }
    }

    /// Posts a form as the browser would: the cookie, and the token in a hidden field.
    func post<Client: TestClientProtocol, Result>(
        _ client: Client, _ path: String, _ fields: [String: String] = [:],
        _ check: @escaping @Sendable (TestResponse) async throws -> Result
    ) async throws -> Result {
        var fields = fields
        fields["csrf_token"] = token
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }.map {
            "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return try await client.execute(
            uri: path, method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "homeport_csrf=\(token)"],
            body: ByteBuffer(string: body), testCallback: check
        )
    }
}

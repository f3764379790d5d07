import Foundation
import GitOps
import Logging
import Status
import Store
import Synchronization

/// How the request follower watches requests after their pull request opened.
public struct FollowSettings: Sendable {
    /// Seconds between two looks at the forge and Argo CD (`gitops.poll_seconds`).
    public var pollInterval: Double
    /// Seconds after the merge before Argo CD's Degraded or Missing counts (`gitops.degraded_after_seconds`).
    public var degradedAfter: Double
    /// Folder new apps go into (`gitops.path`).
    public var gitopsFolder: String
    /// Namespace the apps' objects live in (`policy.namespace`).
    public var namespace: String
    public var baseBranch: String
    /// `github`, `gitea` or `git`: names the source of events.
    public var providerName: String
    /// How long after closing a pull request is still looked at, in case it is reopened (a
    /// webhook revives it at any time).
    public var reopenWindow: Double
    /// Argo CD's web address (`argocd.url`), for links to its applications.
    public var argoURL: String?

    public init(
        pollInterval: Double = 60, degradedAfter: Double = 600, gitopsFolder: String = "gitops/apps/ai-generated",
        namespace: String = "ai-generated", baseBranch: String = "main", providerName: String = "git",
        reopenWindow: Double = 7 * 86_400, argoURL: String? = nil
    ) {
        self.argoURL = argoURL
        self.pollInterval = pollInterval
        self.degradedAfter = degradedAfter
        self.gitopsFolder = gitopsFolder
        self.namespace = namespace
        self.baseBranch = baseBranch
        self.providerName = providerName
        self.reopenWindow = reopenWindow
    }
}

/// Follows every request past its pull request: asks the Git provider where each open (or lately
/// closed) pull request stands, conditionally, every `pollInterval`; takes the forges' webhooks
/// for an instant update; then asks Argo CD whether what was merged runs. Each change is a
/// guarded move of the request with an event naming its source.
///
/// Settled requests (deployed, or closed for longer than the reopen window) cost nothing.
public actor RequestFollower {
    private let store: RequestStore
    private let provider: any GitProvider
    private let argocd: ArgoCDClient?
    public nonisolated let settings: FollowSettings
    public nonisolated let metrics: FollowMetrics
    private let logger: Logger
    private var wakeUp: AsyncStream<Void>.Continuation?
    /// Requests whose last look failed, so the log says when a failure starts, not at every poll.
    private var failing: Set<String> = []

    public init(
        store: RequestStore, provider: any GitProvider, argocd: ArgoCDClient?, settings: FollowSettings,
        metrics: FollowMetrics = FollowMetrics(), logger: Logger
    ) {
        self.store = store
        self.provider = provider
        self.argocd = argocd
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Looks every `pollInterval`, or sooner when woken (a webhook's merge), until cancelled.
    public func run() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        let interval = settings.pollInterval
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                continuation.yield()
            }
        }
        defer { ticker.cancel() }
        await pollOnce()
        for await _ in signals {
            guard !Task.isCancelled else { break }
            await pollOnce()
        }
    }

    /// One look at every request not yet settled: the forge for open (and lately closed) pull
    /// requests, then Argo CD for merged and degraded ones.
    public func pollOnce(now: Date = Date()) async {
        let rows: [(request: AppRequest, follow: RequestFollow?)]
        do {
            rows = try await store.followed(in: RequestStatus.followed)
        } catch {
            logger.error("could not read the followed requests", metadata: ["error": "\(error)"])
            return
        }
        for (request, follow) in rows where needsForge(request, follow, now: now) {
            await lookAtForge(request, follow ?? RequestFollow(requestID: request.id), now: now)
        }
        await lookAtArgoCD(now: now)
    }

    /// A `pull_request` webhook: applies the state to the request whose branch it names. Returns
    /// that request (nil when no followed request has the branch).
    @discardableResult
    public func pullRequestChanged(branch: String, state: PullRequestState, source: String, now: Date = Date())
        async -> AppRequest?
    {
        guard let request = try? await store.request(branch: branch), RequestStatus.followed.contains(request.status)
        else {
            return nil
        }
        let follow = (try? await store.follow(of: request.id)) ?? RequestFollow(requestID: request.id)
        let moved = await apply(state, etag: nil, to: request, follow: follow, source: source, now: now)
        if moved?.status == .merged { wakeUp?.yield() }
        return moved ?? request
    }

    // MARK: - The forge

    private func needsForge(_ request: AppRequest, _ follow: RequestFollow?, now: Date) -> Bool {
        switch request.status {
        case .prOpened: return true
        case .closed:
            let closedAt = follow?.closedAt ?? request.updatedAt
            return now.timeIntervalSince(closedAt) < settings.reopenWindow
        default: return false
        }
    }

    private func lookAtForge(_ request: AppRequest, _ follow: RequestFollow, now: Date) async {
        guard let branch = request.branch else { return }
        let reference = PullRequestReference(
            number: request.prNumber, branch: branch, baseBranch: settings.baseBranch, commit: request.commitSHA)
        let observation: PullRequestObservation
        do {
            observation = try await provider.pullRequestState(reference, etag: follow.prETag)
        } catch {
            metrics.count(forge: "error")
            if failing.insert(request.id).inserted {
                logger.warning(
                    "could not look at a pull request",
                    metadata: ["request": "\(request.id)", "error": "\(error.message)"])
            }
            return
        }
        failing.remove(request.id)
        switch observation {
        case .unchanged:
            metrics.count(forge: "not_modified")
        case .changed(let state, let etag):
            metrics.count(forge: "changed")
            let source = settings.providerName == "git" ? "git" : "\(settings.providerName) poll"
            await apply(state, etag: etag, to: request, follow: follow, source: source, now: now)
        }
    }

    @discardableResult
    private func apply(
        _ state: PullRequestState, etag: String?, to request: AppRequest, follow: RequestFollow, source: String,
        now: Date
    ) async -> AppRequest? {
        var follow = follow
        if let etag { follow.prETag = etag }
        follow.checkedAt = now
        do {
            guard let move = FollowRules.afterForge(request.status, state, appName: request.appName) else {
                if etag != nil { try await store.saveFollow(follow) }
                return nil
            }
            switch move.to {
            case .merged:
                follow.mergeCommit = state.mergeCommit
                follow.mergedAt = state.changedAt ?? now
            case .closed:
                follow.closedAt = state.changedAt ?? now
            default:
                follow.closedAt = nil
            }
            return try await store.record(
                request.id, from: [request.status], to: move.to, message: move.message, source: source,
                follow: follow, at: now)
        } catch {
            logger.error(
                "could not record a pull request change", metadata: ["request": "\(request.id)", "error": "\(error)"])
            return nil
        }
    }

    // MARK: - Argo CD

    private func lookAtArgoCD(now: Date) async {
        guard let argocd else { return }
        let rows: [(request: AppRequest, follow: RequestFollow?)]
        do {
            rows = try await store.followed(in: [.merged, .degraded])
        } catch {
            return
        }
        guard !rows.isEmpty else { return }
        let applications: [ArgoApplicationState]
        do {
            applications = try await argocd.deployments()
        } catch {
            metrics.count(argocd: "error")
            logger.warning("could not read Argo CD's applications", metadata: ["error": "\(error.message)"])
            return
        }
        metrics.count(argocd: "ok")
        for (request, saved) in rows {
            var follow = saved ?? RequestFollow(requestID: request.id)
            let folder =
                "\(settings.gitopsFolder.hasSuffix("/") ? String(settings.gitopsFolder.dropLast()) : settings.gitopsFolder)/\(request.appName)"
            let verdict = FollowRules.deployment(
                of: FollowRules.objects(in: request.manifest ?? ""), folder: folder, namespace: settings.namespace,
                applications: applications, mergedAt: follow.mergedAt ?? request.updatedAt, now: now,
                degradedAfter: settings.degradedAfter)
            follow.checkedAt = now
            do {
                switch verdict {
                case .deployed(let application):
                    follow.argoApp = application
                    follow.argoMessage = nil
                    try await store.record(
                        request.id, from: [.merged, .degraded], to: .deployed,
                        message: "Argo CD application \(application) reports every object Synced and Healthy",
                        source: "argocd", follow: follow, at: now)
                case .degraded(let application, let message):
                    follow.argoApp = application ?? follow.argoApp
                    let changed = follow.argoMessage != message
                    follow.argoMessage = message
                    if request.status == .merged {
                        try await store.record(
                            request.id, from: [.merged], to: .degraded, message: "Argo CD: \(message)",
                            source: "argocd", follow: follow, at: now)
                    } else if changed {
                        try await store.saveFollow(follow)
                    }
                case .waiting(let application, let message):
                    if follow.argoApp != application || follow.argoMessage != message {
                        follow.argoApp = application ?? follow.argoApp
                        follow.argoMessage = message
                        try await store.saveFollow(follow)
                    }
                }
            } catch {
                logger.error(
                    "could not record a deployment", metadata: ["request": "\(request.id)", "error": "\(error)"])
            }
        }
    }
}

/// How many calls the follower made and webhooks it took, by outcome, for `/metrics`.
public final class FollowMetrics: Sendable {
    private let counts = Mutex<[String: Double]>([:])

    public init() {}

    func count(forge outcome: String) { add("forge|\(outcome)") }
    func count(argocd outcome: String) { add("argocd|\(outcome)") }
    /// A webhook delivery: `accepted`, `ignored` or `bad_signature`.
    public func count(webhook forge: String, outcome: String) { add("webhook|\(forge)|\(outcome)") }

    /// The forge calls by outcome: `changed` (200), `not_modified` (304), `error`.
    public func forgeCalls(_ outcome: String) -> Int { Int(counts.withLock { $0["forge|\(outcome)"] ?? 0 }) }

    private func add(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }

    public func families() -> [MetricFamily] {
        let all = counts.withLock { $0 }.sorted { $0.key < $1.key }
        func samples(_ prefix: String, _ labels: (ArraySlice<Substring>) -> [String: String]) -> [(
            [String: String], Double
        )] {
            all.compactMap { key, value in
                let parts = key.split(separator: "|")
                guard parts.first.map(String.init) == prefix else { return nil }
                return (labels(parts.dropFirst()), value)
            }
        }
        return [
            MetricFamily(
                name: "homeport_follow_forge_calls_total",
                help: "Looks at pull requests by outcome: changed (200), not_modified (304, free on GitHub), error.",
                type: "counter", samples: samples("forge") { ["outcome": String($0.first ?? "")] }),
            MetricFamily(
                name: "homeport_follow_argocd_polls_total", help: "Reads of Argo CD's applications by outcome.",
                type: "counter", samples: samples("argocd") { ["outcome": String($0.first ?? "")] }),
            MetricFamily(
                name: "homeport_webhooks_total", help: "Forge webhook deliveries by forge and outcome.",
                type: "counter",
                samples: samples("webhook") { ["forge": String($0.first ?? ""), "outcome": String($0.last ?? "")] }),
        ]
    }
}

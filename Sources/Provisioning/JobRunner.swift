import Foundation
import GitOps
import Logging
import Manifests
import Ollama
import RequestValues
import Store

/// Runs queued requests through the flow: generate → check (one repair round for the model) →
/// ready → pull request. The queue is the database, so a restart loses nothing: `start` first
/// requeues what a crash interrupted.
///
/// Every step is a guarded `transition`, so a user's Cancel and a running job never overwrite
/// each other; `shutdown` stops jobs without touching their rows, exactly like a crash, and the
/// next `start` resumes them.
///
/// A transient failure of the Git provider does not fail the request: the pull request step is
/// re-queued in the database (`StepRetry`) with backoff (`ProvisioningSettings.forgeRetry`), and a
/// timer runs it again; `start` re-arms the timers of retries a restart interrupted.
public actor JobRunner {
    /// What a running job does; model generations have their own, smaller, number of slots.
    enum JobKind: Equatable {
        case generate(AppSpec.Engine)
        case openPullRequest
    }

    let store: RequestStore
    private let ollama: OllamaClient
    private let provider: any GitProvider
    let settings: ProvisioningSettings
    private let feed: LiveFeed
    private let logger: Logger
    private let clock: any JobClock

    private var jobs: [String: (task: Task<Void, Never>, kind: JobKind)] = [:]
    /// Requests waiting for the retry of their pull request step; they hold no job slot.
    private var retryTimers: [String: Task<Void, Never>] = [:]
    private var loop: Task<Void, Never>?
    private var wakeUp: AsyncStream<Void>.Continuation?

    public init(
        store: RequestStore, ollama: OllamaClient, provider: any GitProvider, settings: ProvisioningSettings,
        feed: LiveFeed, logger: Logger, clock: any JobClock = SystemJobClock()
    ) {
        self.store = store
        self.ollama = ollama
        self.provider = provider
        self.settings = settings
        self.feed = feed
        self.logger = logger
        self.clock = clock
    }

    /// Recovers interrupted requests, then runs queued ones until `shutdown`.
    public func start() async throws {
        guard loop == nil else { return }
        for request in try await store.recoverInterrupted() {
            // A retry that was waiting when Homeport stopped keeps its time.
            if let pending = try await store.pendingRetry(of: request.id), pending.retryAt > clock.now {
                armRetry(request.id, at: pending.retryAt)
            } else {
                launch(request.id, kind: .openPullRequest) { runner in await runner.openPullRequest(request.id) }
            }
        }
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp = continuation
        loop = Task { [weak self] in
            await self?.fillSlots()
            for await _ in signals {
                await self?.fillSlots()
            }
        }
    }

    /// Looks at the queue again (after a submit or a retry).
    public func wake() {
        wakeUp?.yield()
    }

    /// Claims nothing more, gives running jobs `grace` to finish, then stops those still running
    /// as a crash would: their rows stay as they are, and the next `start` resumes them.
    public func shutdown(grace: Duration = .zero) async {
        wakeUp?.finish()
        loop?.cancel()
        loop = nil
        // Waiting retries stay recorded; the next start arms them again.
        for timer in retryTimers.values { timer.cancel() }
        retryTimers = [:]
        let running = jobs.values.map(\.task)
        if grace > .zero, !running.isEmpty {
            logger.info("waiting for running jobs", metadata: ["jobs": "\(running.count)", "grace": "\(grace)"])
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for task in running { await task.value } }
                group.addTask { try? await Task.sleep(for: grace) }
                await group.next()
                for task in running { task.cancel() }
                group.cancelAll()
            }
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        jobs = [:]
    }

    /// The user's Cancel: stops the job if it runs; the caller has recorded the cancellation, so
    /// the job's next guarded transition does nothing.
    public func cancel(_ id: String) {
        jobs[id]?.task.cancel()
        retryTimers.removeValue(forKey: id)?.cancel()
    }

    /// Opens the pull request of a ready request in the background.
    /// Whether a job for `id` is running or about to: a page showing the request then keeps
    /// refreshing, even while the request still reads `ready` (a pull request just asked for).
    public func isWorking(on id: String) -> Bool {
        jobs[id] != nil
    }

    public func requestPullRequest(_ id: String) {
        launch(id, kind: .openPullRequest) { runner in await runner.openPullRequest(id) }
    }

    // MARK: - Scheduling

    /// Claims queued requests while their engine has a free slot. Only the scheduling loop calls
    /// it, so two claims never interleave and count the same free slot; a `wake` while it claims
    /// is buffered and runs it once more.
    private func fillSlots() async {
        do {
            // After `shutdown` a finishing job must not claim the next request.
            while loop != nil, let (request, engine) = try await nextClaimable() {
                launch(request.id, kind: .generate(engine)) { runner in await runner.process(request) }
            }
        } catch {
            logger.error("could not read the job queue", metadata: ["error": "\(error)"])
        }
    }

    /// The oldest queued request whose engine has a free slot, with that engine.
    private func nextClaimable() async throws -> (AppRequest, AppSpec.Engine)? {
        let ollamaRunning = jobs.values.filter { $0.kind == .generate(.ollama) }.count
        let otherRunning = jobs.count - ollamaRunning
        var engines: Set<String> = []
        if ollamaRunning < settings.ollamaConcurrency { engines.insert(AppSpec.Engine.ollama.rawValue) }
        if otherRunning < settings.otherConcurrency { engines.insert(AppSpec.Engine.template.rawValue) }
        guard !engines.isEmpty, let request = try await store.claimNextQueued(engines: engines) else { return nil }
        // The column only ever holds an engine's name (a CHECK constraint says so).
        return (request, AppSpec.Engine(rawValue: request.engine) ?? .template)
    }

    /// Runs `work` for `id` unless a job for it runs already; `work` answers when to retry the
    /// pull request step, if it must be retried.
    private func launch(_ id: String, kind: JobKind, _ work: @escaping @Sendable (JobRunner) async -> Date?) {
        guard jobs[id] == nil else { return }
        retryTimers.removeValue(forKey: id)?.cancel()
        let task = Task { [weak self] in
            guard let self else { return }
            let retryAt = await work(self)
            await self.finished(id, retryAt: retryAt)
        }
        jobs[id] = (task, kind)
    }

    private func finished(_ id: String, retryAt: Date?) {
        jobs[id] = nil
        if let retryAt, loop != nil {
            armRetry(id, at: retryAt)
        }
        // The loop claims the next request, not this job's task: a Cancel cancelled that task, and
        // its database reads would throw CancellationError and leave the queue stalled.
        wake()
    }

    /// Runs the pull request step of `id` again at `date`.
    private func armRetry(_ id: String, at date: Date) {
        retryTimers[id]?.cancel()
        retryTimers[id] = Task { [weak self, clock] in
            do {
                try await clock.sleep(until: date)
            } catch {
                return
            }
            await self?.retryDue(id)
        }
    }

    private func retryDue(_ id: String) {
        retryTimers[id] = nil
        guard loop != nil else { return }
        launch(id, kind: .openPullRequest) { runner in await runner.openPullRequest(id) }
    }

    // MARK: - The flow

    /// Generates and checks a claimed request, then opens its pull request when it should;
    /// answers when to retry that step, if it must be retried.
    private func process(_ request: AppRequest) async -> Date? {
        let id = request.id
        do {
            let spec = try request.spec()
            // A request whose manifests passed before (its pull request failed) goes straight back to the PR step.
            if request.storedFiles != nil {
                try await move(id, from: [.generating], to: .ready, "Manifests from the earlier attempt are kept")
                return await openPullRequest(id)
            }
            guard let report = try await generateAndCheck(request, spec: spec) else { return nil }
            let findings = JSONColumn(report.findings)
            guard report.passed, let yaml = report.yaml else {
                let errors = report.findings.filter { $0.severity == .error }
                try await move(id, from: [.validating], to: .rejected, IntentFindings.rejection(report.findings)) {
                    row in
                    row.storedFindings = findings
                    row.manifest = report.yaml
                    row.failureReason = errors.map(\.message).prefix(3).joined(separator: "; ")
                }
                return nil
            }
            let files = PullRequestText.files(
                appName: spec.name, folder: settings.gitopsFolder, manifest: yaml,
                catalogEntry: TemplateGenerator.catalogEntry(for: spec))
            let warnings = report.findings.filter { $0.severity == .warning }.count
            let ready = try await move(
                id, from: [.validating], to: .ready,
                "Manifests passed the policy (\(report.objects.joined(separator: ", ")); \(warnings) warning(s))"
            ) { row in
                row.manifest = yaml
                row.storedFindings = findings
                row.storedFiles = JSONColumn(files)
                row.failureReason = nil
            }
            if ready?.autoPR == true { return await openPullRequest(id) }
        } catch is CancellationError {
            // Cancelled by the user (already recorded) or by a shutdown (left for recovery).
        } catch let error as StoredColumnError {
            await fail(id, error.description)
        } catch {
            await fail(id, "Unexpected error: \(error)")
        }
        return nil
    }

    /// Runs the engine, checks the output and, for the model, sends the problems back once.
    /// Returns nil when the request ended on the way (failed, cancelled or shut down).
    private func generateAndCheck(_ request: AppRequest, spec: AppSpec) async throws -> ManifestReport? {
        let id = request.id
        var number = try await store.attempts(of: id).count + 1
        let policy = settings.currentPolicy
        if spec.engine == .template {
            let started = Date()
            let output = TemplateGenerator.manifests(for: spec, namespace: policy.namespace)
            var attempt = try await store.insert(
                GenerationAttempt(
                    requestID: id, number: number, purpose: .draft, engine: "template", model: nil,
                    prompt: [], startedAt: started))
            attempt.rawOutput = output
            attempt.finishedAt = Date()
            attempt.durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
            try await store.save(attempt)
            try await move(id, from: [.generating], to: .validating, "Template rendered \(output.utf8.count) bytes")
            return ManifestChecker.check(output, appName: spec.name, policy: policy)
        }
        if spec.engine == .ollama {
            return try await generateIntent(request, spec: spec, attempt: number, policy: policy)
        }

        // The free-YAML engine refuses what the text asks for and the policy forbids before any
        // model call, as the intent engine does: a small model tends to ignore "privileged" or
        // "hostNetwork" and draft a harmless app, and the ask would go unanswered.
        let text = IntentSchema.userText(spec, feedback: request.feedback)
        let refusals = LiteralFacts.refusals(in: text, namespace: policy.namespace)
        if !refusals.isEmpty {
            try await move(id, from: [.generating], to: .validating, "Reading the description")
            let findings = refusals.map {
                PolicyFinding(severity: .error, object: "", path: IntentFindings.refused, message: $0)
            }
            return ManifestReport(yaml: nil, objects: [], findings: findings)
        }

        var messages = PromptBuilder.draft(for: spec, policy: policy, feedback: request.feedback)
        var purpose = AttemptPurpose.draft
        while true {
            guard
                let output = try await chat(
                    id, number: number, purpose: purpose, model: request.model ?? settings.model, messages: messages)
            else { return nil }
            try await move(
                id, from: [.generating], to: .validating,
                "Checking the \(purpose == .draft ? "draft" : "repaired draft")")
            let report = ManifestChecker.check(output, appName: spec.name, policy: policy)
            guard !report.passed, purpose == .draft else { return report }
            let errors = report.findings.filter { $0.severity == .error }
            messages = PromptBuilder.repair(after: messages, output: output, findings: report.findings)
            let findings = JSONColumn(report.findings)
            purpose = .repair
            number += 1
            try await move(
                id, from: [.validating], to: .generating,
                "Sending \(errors.count) problem(s) back to the model for one repair"
            ) { row in
                row.storedFindings = findings
            }
        }
    }

    /// One streamed chat, recorded as an attempt; nil when it failed (the request is then failed) or stopped.
    func chat(
        _ id: String, number: Int, purpose: AttemptPurpose, model: String, messages: [ChatMessage],
        format: ChatFormat? = nil, engine: String = "ollama"
    ) async throws -> String? {
        let started = Date()
        var attempt = try await store.insert(
            GenerationAttempt(
                requestID: id, number: number, purpose: purpose, engine: engine, model: model,
                prompt: messages.map { PromptMessage(role: $0.role.rawValue, content: $0.content) },
                startedAt: started))
        feed.startAttempt(number, of: id)
        defer { feed.finishAttempt(of: id) }
        let result: ChatResult
        do {
            result = try await ollama.chat(
                model: model, messages: messages, options: Self.options(settings.chatOptions, purpose: purpose),
                format: format
            ) { [feed] token in
                feed.append(token, to: id)
            }
        } catch {
            attempt.rawOutput = error.partialContent
            attempt.error = error.message
            attempt.finishedAt = Date()
            attempt.durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
            try await store.save(attempt)
            // A cancelled chat was stopped by the user's Cancel (already recorded) or a shutdown (left for recovery).
            if error.kind != .cancelled { await fail(id, "Ollama: \(error.message)") }
            return nil
        }
        attempt.rawOutput = result.content
        attempt.promptTokens = result.promptTokens
        attempt.outputTokens = result.outputTokens
        attempt.finishedAt = Date()
        attempt.durationMilliseconds = Int(result.durationSeconds * 1000)
        try await store.save(attempt)
        let tokens = result.outputTokens.map { ", \($0) tokens" } ?? ""
        try await store.appendEvent(
            id, status: .generating,
            message: String(format: "Model %@ answered in %.1f s%@", model, result.durationSeconds, tokens))
        return result.content
    }

    /// Opens (or finds) the pull request of a ready request; answers when to try again after a
    /// transient failure of the Git provider (the retry is recorded), nil when the step is over.
    func openPullRequest(_ id: String) async -> Date? {
        var attempt = 1
        var pending: StepRetry?
        do {
            pending = try await store.pendingRetry(of: id)
            attempt = (pending?.attempt ?? 0) + 1
            let message =
                pending.map { "Opening the pull request again (attempt \(attempt) of \($0.maxAttempts))" }
                ?? "Opening the pull request"
            guard
                let request = try await store.transition(
                    id, from: [.ready, .openingPR], to: .openingPR, message: message)
            else { return nil }
            let result = try await provider.openPullRequest(try draft(for: request))
            try await move(
                id, from: [.openingPR], to: .prOpened,
                result.reused
                    ? "Found the pull request opened earlier: \(result.url)" : "Pull request opened: \(result.url)"
            ) { row in
                row.branch = result.branch
                row.prURL = result.url
                row.prNumber = result.number
                row.commitSHA = result.commit
                row.diff = result.diff
                row.failureReason = nil
            }
        } catch let error as GitProviderError {
            return await retryOrFail(id, after: error, attempt: attempt, pending: pending)
        } catch is CancellationError {
            // As above: nothing to record.
        } catch let error as StoredColumnError {
            await fail(id, error.description, from: [.openingPR])
        } catch {
            await fail(id, "Pull request: \(error)", from: [.openingPR])
        }
        return nil
    }

    /// The pull request a request proposes, from its stored spec, files and findings.
    private func draft(for request: AppRequest) throws(StoredColumnError) -> PullRequestDraft {
        let spec = try request.spec()
        guard let files = try request.files() else {
            throw StoredColumnError(column: "file list", reason: "there is none, though the manifests passed")
        }
        return PullRequestDraft(
            branch: PullRequestText.branch(appName: spec.name, requestID: request.id), baseBranch: settings.baseBranch,
            files: files,
            commitMessage: "Add \(spec.name) (drafted by Homeport, request \(request.id))",
            title: PullRequestText.title(appName: spec.name),
            body: PullRequestText.body(
                request: request, spec: spec, findings: try request.findings(), files: files,
                requestURL: "\(settings.publicURL)/requests/\(request.id)")
        )
    }

    /// Records a retry of the pull request step when `error` is transient and the schedule allows
    /// one, and answers its time; otherwise fails the request with the reason.
    private func retryOrFail(_ id: String, after error: GitProviderError, attempt: Int, pending: StepRetry?) async
        -> Date?
    {
        // A job stopped by a shutdown or a Cancel records nothing (see `fail`).
        guard !Task.isCancelled else { return nil }
        let reason = Self.describe(error)
        let now = clock.now
        let schedule = settings.forgeRetry
        switch schedule.decide(
            afterAttempt: attempt, failedWith: error, firstFailure: pending?.firstFailedAt ?? now, now: now,
            random: Double.random(in: 0...1))
        {
        case .retry(let wait):
            let retry = StepRetry(
                requestID: id, step: .openPullRequest, attempt: attempt, maxAttempts: schedule.maxAttempts,
                reason: reason, waitSeconds: wait, firstFailedAt: pending?.firstFailedAt ?? now, failedAt: now)
            do {
                let message = "Pull request: \(reason); \(retry.retryingAt)"
                return try await store.schedule(retry, message: message) ? retry.retryAt : nil
            } catch {
                await fail(
                    id, "Pull request: \(reason) (and the retry could not be recorded: \(error))", from: [.openingPR])
                return nil
            }
        case .giveUp(let why):
            await fail(
                id, error.isTransient ? "Pull request: \(reason) (\(why))" : "Pull request: \(reason)",
                from: [.openingPR])
            return nil
        }
    }

    // MARK: - Helpers

    @discardableResult
    func move(
        _ id: String, from: Set<RequestStatus>, to status: RequestStatus, _ message: String,
        change: @Sendable (inout AppRequest) -> Void = { _ in }
    ) async throws -> AppRequest? {
        try Task.checkCancellation()
        return try await store.transition(id, from: from, to: status, message: message, change: change)
    }

    private func fail(
        _ id: String, _ reason: String, from: Set<RequestStatus> = [.generating, .validating, .openingPR]
    ) async {
        // A job stopped by a shutdown is left as it is, for the next start to resume; one stopped
        // by the user's Cancel is already recorded.
        guard !Task.isCancelled else { return }
        do {
            try await store.transition(id, from: from, to: .failed, message: reason) { $0.failureReason = reason }
        } catch {
            logger.error("could not record a failure", metadata: ["request": "\(id)", "error": "\(error)"])
        }
    }

    /// The draft is sampled cold with a fixed seed, so the same request drafts the same way. With
    /// those settings a small model answers a repair with the very same text (seen with the 0.5B
    /// model), so the repair round samples a little warmer, from another seed.
    /// The intent is read at temperature 0, as Ollama advises for structured outputs, and at most
    /// 512 tokens long (a whole intent takes about 200; a runaway answer is cut and the text alone decides).
    static func options(_ base: ChatOptions, purpose: AttemptPurpose) -> ChatOptions {
        if purpose == .intent {
            return ChatOptions(temperature: 0, seed: base.seed, numPredict: min(base.numPredict ?? 512, 512))
        }
        guard purpose == .repair else { return base }
        return ChatOptions(temperature: max(base.temperature, 0.4), seed: base.seed + 1, numPredict: base.numPredict)
    }

    static func describe(_ error: GitProviderError) -> String {
        switch error.kind {
        case .rateLimited:
            let wait = error.retryAfter.map { String(format: " (limit resets in %.0f s)", $0) } ?? ""
            return "rate limited\(wait): \(error.message)"
        default:
            return error.message
        }
    }
}

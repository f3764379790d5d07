import Foundation
import GitOps
import Logging
import Manifests
import Ollama
import Store

/// Runs queued requests through the flow: generate → check (one repair round for the model) →
/// ready → pull request. The queue is the database, so a restart loses nothing: `start` first
/// requeues what a crash interrupted.
///
/// Every step is a guarded `transition`, so a user's Cancel and a running job never overwrite
/// each other; `shutdown` stops jobs without touching their rows, exactly like a crash, and the
/// next `start` resumes them.
public actor JobRunner {
    let store: RequestStore
    private let ollama: OllamaClient
    private let provider: any GitProvider
    let settings: ProvisioningSettings
    private let feed: LiveFeed
    private let logger: Logger

    private var jobs: [String: (task: Task<Void, Never>, engine: String)] = [:]
    private var loop: Task<Void, Never>?
    private var wakeUp: AsyncStream<Void>.Continuation?

    public init(
        store: RequestStore, ollama: OllamaClient, provider: any GitProvider, settings: ProvisioningSettings,
        feed: LiveFeed, logger: Logger
    ) {
        self.store = store
        self.ollama = ollama
        self.provider = provider
        self.settings = settings
        self.feed = feed
        self.logger = logger
    }

    /// Recovers interrupted requests, then runs queued ones until `shutdown`.
    public func start() throws {
        guard loop == nil else { return }
        for request in try store.recoverInterrupted() {
            launch(request.id, engine: "pr") { runner in await runner.openPullRequest(request.id) }
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
    }

    /// Opens the pull request of a ready request in the background.
    public func requestPullRequest(_ id: String) {
        launch(id, engine: "pr") { runner in await runner.openPullRequest(id) }
    }

    // MARK: - Scheduling

    private func fillSlots() {
        // After `shutdown` a finishing job must not claim the next request.
        guard loop != nil else { return }
        do {
            while let request = try nextClaimable() {
                launch(request.id, engine: request.engine) { runner in await runner.process(request) }
            }
        } catch {
            logger.error("could not read the job queue", metadata: ["error": "\(error)"])
        }
    }

    /// The oldest queued request whose engine has a free slot.
    private func nextClaimable() throws -> AppRequest? {
        let ollamaRunning = jobs.values.filter { $0.engine == AppSpec.Engine.ollama.rawValue }.count
        let otherRunning = jobs.count - ollamaRunning
        var engines: Set<String> = []
        if ollamaRunning < settings.ollamaConcurrency { engines.insert(AppSpec.Engine.ollama.rawValue) }
        if otherRunning < settings.otherConcurrency { engines.insert(AppSpec.Engine.template.rawValue) }
        guard !engines.isEmpty else { return nil }
        return try store.claimNextQueued(engines: engines)
    }

    private func launch(_ id: String, engine: String, _ work: @escaping @Sendable (JobRunner) async -> Void) {
        guard jobs[id] == nil else { return }
        let task = Task { [weak self] in
            guard let self else { return }
            await work(self)
            await self.finished(id)
        }
        jobs[id] = (task, engine)
    }

    private func finished(_ id: String) {
        jobs[id] = nil
        fillSlots()
    }

    // MARK: - The flow

    private func process(_ request: AppRequest) async {
        let id = request.id
        do {
            let spec = try JSONDecoder().decode(AppSpec.self, from: Data(request.specJSON.utf8))
            // A request whose manifests passed before (its pull request failed) goes straight back to the PR step.
            if request.filesJSON != nil {
                try move(id, from: [.generating], to: .ready, "Manifests from the earlier attempt are kept")
                await openPullRequest(id)
                return
            }
            guard let report = try await generateAndCheck(request, spec: spec) else { return }
            guard report.passed, let yaml = report.yaml else {
                let errors = report.findings.filter { $0.severity == .error }
                try move(id, from: [.validating], to: .rejected, IntentFindings.rejection(report.findings)) {
                    row in
                    row.findingsJSON = Self.json(report.findings)
                    row.manifest = report.yaml
                    row.failureReason = errors.map(\.message).prefix(3).joined(separator: "; ")
                }
                return
            }
            let files = PullRequestText.files(
                appName: spec.name, folder: settings.gitopsFolder, manifest: yaml,
                catalogEntry: TemplateGenerator.catalogEntry(for: spec))
            let warnings = report.findings.filter { $0.severity == .warning }.count
            let ready = try move(
                id, from: [.validating], to: .ready,
                "Manifests passed the policy (\(report.objects.joined(separator: ", ")); \(warnings) warning(s))"
            ) { row in
                row.manifest = yaml
                row.findingsJSON = Self.json(report.findings)
                row.filesJSON = Self.json(files.map { ["path": $0.path, "content": $0.content] })
                row.failureReason = nil
            }
            if ready?.autoPR == true { await openPullRequest(id) }
        } catch is CancellationError {
            // Cancelled by the user (already recorded) or by a shutdown (left for recovery).
        } catch {
            fail(id, "Unexpected error: \(error)")
        }
    }

    /// Runs the engine, checks the output and, for the model, sends the problems back once.
    /// Returns nil when the request ended on the way (failed, cancelled or shut down).
    private func generateAndCheck(_ request: AppRequest, spec: AppSpec) async throws -> ManifestReport? {
        let id = request.id
        var number = try store.attempts(of: id).count + 1
        let policy = settings.currentPolicy
        if spec.engine == .template {
            let started = Date()
            let output = TemplateGenerator.manifests(for: spec, namespace: policy.namespace)
            var attempt = try store.insert(
                GenerationAttempt(
                    requestID: id, number: number, purpose: "draft", engine: "template", model: nil,
                    prompt: "(template engine: the form's fields)", startedAt: started))
            attempt.rawOutput = output
            attempt.finishedAt = Date()
            attempt.durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
            try store.save(attempt)
            try move(id, from: [.generating], to: .validating, "Template rendered \(output.utf8.count) bytes")
            return ManifestChecker.check(output, appName: spec.name, policy: policy)
        }
        if spec.engine == .ollama {
            return try await generateIntent(request, spec: spec, attempt: number, policy: policy)
        }

        var messages = PromptBuilder.draft(for: spec, policy: policy, feedback: request.feedback)
        var purpose = "draft"
        while true {
            guard
                let output = try await chat(
                    id, number: number, purpose: purpose, model: request.model ?? settings.model, messages: messages)
            else { return nil }
            try move(
                id, from: [.generating], to: .validating,
                "Checking the \(purpose == "draft" ? "draft" : "repaired draft")")
            let report = ManifestChecker.check(output, appName: spec.name, policy: policy)
            guard !report.passed, purpose == "draft" else { return report }
            let errors = report.findings.filter { $0.severity == .error }
            messages = PromptBuilder.repair(after: messages, output: output, findings: report.findings)
            purpose = "repair"
            number += 1
            try move(
                id, from: [.validating], to: .generating,
                "Sending \(errors.count) problem(s) back to the model for one repair"
            ) { row in
                row.findingsJSON = Self.json(report.findings)
            }
        }
    }

    /// One streamed chat, recorded as an attempt; nil when it failed (the request is then failed) or stopped.
    func chat(
        _ id: String, number: Int, purpose: String, model: String, messages: [ChatMessage],
        format: ChatFormat? = nil, engine: String = "ollama"
    ) async throws -> String? {
        let started = Date()
        var attempt = try store.insert(
            GenerationAttempt(
                requestID: id, number: number, purpose: purpose, engine: engine, model: model,
                prompt: Self.json(messages.map { ["role": $0.role.rawValue, "content": $0.content] }),
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
            try store.save(attempt)
            // A cancelled chat was stopped by the user's Cancel (already recorded) or a shutdown (left for recovery).
            if error.kind != .cancelled { fail(id, "Ollama: \(error.message)") }
            return nil
        }
        attempt.rawOutput = result.content
        attempt.promptTokens = result.promptTokens
        attempt.outputTokens = result.outputTokens
        attempt.finishedAt = Date()
        attempt.durationMilliseconds = Int(result.durationSeconds * 1000)
        try store.save(attempt)
        let tokens = result.outputTokens.map { ", \($0) tokens" } ?? ""
        try store.appendEvent(
            id, status: .generating,
            message: String(format: "Model %@ answered in %.1f s%@", model, result.durationSeconds, tokens))
        return result.content
    }

    /// Opens (or finds) the pull request of a ready request.
    func openPullRequest(_ id: String) async {
        do {
            guard
                let request = try store.transition(
                    id, from: [.ready, .openingPR], to: .openingPR, message: "Opening the pull request"),
                let spec = try? JSONDecoder().decode(AppSpec.self, from: Data(request.specJSON.utf8)),
                let filesJSON = request.filesJSON,
                let fileRows = try? JSONDecoder().decode([[String: String]].self, from: Data(filesJSON.utf8))
            else { return }
            let files = fileRows.map { PullRequestDraft.File(path: $0["path"] ?? "", content: $0["content"] ?? "") }
            let findings =
                (request.findingsJSON.flatMap { try? JSONDecoder().decode([PolicyFinding].self, from: Data($0.utf8)) })
                ?? []
            let branch = PullRequestText.branch(appName: spec.name, requestID: id)
            let draft = PullRequestDraft(
                branch: branch, baseBranch: settings.baseBranch, files: files,
                commitMessage: "Add \(spec.name) (drafted by Homeport, request \(id))",
                title: PullRequestText.title(appName: spec.name),
                body: PullRequestText.body(
                    request: request, spec: spec, findings: findings, files: files,
                    requestURL: "\(settings.publicURL)/requests/\(id)")
            )
            let result = try await provider.openPullRequest(draft)
            try move(
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
            fail(id, "Pull request: \(Self.describe(error))", from: [.openingPR])
        } catch is CancellationError {
            // As above: nothing to record.
        } catch {
            fail(id, "Pull request: \(error)", from: [.openingPR])
        }
    }

    // MARK: - Helpers

    @discardableResult
    func move(
        _ id: String, from: Set<RequestStatus>, to status: RequestStatus, _ message: String,
        change: (inout AppRequest) -> Void = { _ in }
    ) throws -> AppRequest? {
        try Task.checkCancellation()
        return try store.transition(id, from: from, to: status, message: message, change: change)
    }

    private func fail(
        _ id: String, _ reason: String, from: Set<RequestStatus> = [.generating, .validating, .openingPR]
    ) {
        // A job stopped by a shutdown is left as it is, for the next start to resume; one stopped
        // by the user's Cancel is already recorded.
        guard !Task.isCancelled else { return }
        do {
            try store.transition(id, from: from, to: .failed, message: reason) { $0.failureReason = reason }
        } catch {
            logger.error("could not record a failure", metadata: ["request": "\(id)", "error": "\(error)"])
        }
    }

    /// The draft is sampled cold with a fixed seed, so the same request drafts the same way. With
    /// those settings a small model answers a repair with the very same text (seen with the 0.5B
    /// model), so the repair round samples a little warmer, from another seed.
    /// The intent is read at temperature 0, as Ollama advises for structured outputs, and at most
    /// 512 tokens long (a whole intent takes about 200; a runaway answer is cut and the text alone decides).
    static func options(_ base: ChatOptions, purpose: String) -> ChatOptions {
        if purpose == "intent" {
            return ChatOptions(temperature: 0, seed: base.seed, numPredict: min(base.numPredict ?? 512, 512))
        }
        guard purpose == "repair" else { return base }
        return ChatOptions(temperature: max(base.temperature, 0.4), seed: base.seed + 1, numPredict: base.numPredict)
    }

    static func describe(_ error: GitProviderError) -> String {
        switch error.kind {
        case .rateLimited:
            let wait = error.retryAfter.map { String(format: " (limit resets in %.0f s)", $0) } ?? ""
            return "rate limited\(wait): \(error.message). Retry after the reset."
        default:
            return error.message
        }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

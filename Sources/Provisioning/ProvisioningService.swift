import Foundation
import Ollama
import RequestValues
import Store

/// What the pages and the API ask of the new-app flow: submit, retry, cancel, open the PR,
/// regenerate, and wait. Controllers call this and never the runner or the store's writes directly.
public final class ProvisioningService: Sendable {
    public let store: RequestStore
    public let runner: JobRunner
    public let feed: LiveFeed
    public let settings: ProvisioningSettings
    /// The Ollama the flow drafts with; the status monitor watches the same one for the form.
    public let ollama: OllamaClient

    public init(
        store: RequestStore, runner: JobRunner, feed: LiveFeed, ollama: OllamaClient, settings: ProvisioningSettings
    ) {
        self.store = store
        self.runner = runner
        self.feed = feed
        self.ollama = ollama
        self.settings = settings
    }

    /// Why an action on a request was refused.
    public struct ActionError: Error, Sendable, Equatable {
        public enum Code: String, Sendable {
            case notFound = "not_found"
            case conflict
            /// Someone other than the requester (or an admin) asked.
            case forbidden
            /// What was sent cannot be used as it is (feedback over its limit).
            case invalid
        }

        public var code: Code
        public var message: String
    }

    /// The queue is full: the caller should answer 429 and say when to try again.
    public struct QueueFull: Error, Sendable, Equatable {
        public var limit: Int
        /// A fair guess of when a slot frees up, in seconds.
        public var retryAfter: Int
    }

    /// One user already has `limit` requests waiting or in work: answer 429.
    public struct UserLimitReached: Error, Sendable, Equatable {
        public var user: String
        public var limit: Int
        public var retryAfter: Int

        public var message: String {
            "You (\(user)) already have \(limit) requests waiting or running, the most one person may have at once; send this one when one of them is done."
        }
    }

    /// Validates the fields and queues a request; field errors come back for the form or the API.
    /// Throws `QueueFull` when `settings.queueLimit` requests already wait or run, and
    /// `UserLimitReached` when `requestedBy` (a signed-in user) has `settings.perUserLimit` of them.
    public func submit(
        _ fields: [String: String], source: String, autoPR: Bool, requestedBy: String?,
        context: ValidationContext
    ) async throws -> Result<AppRequest, FieldErrors> {
        let actor = requestedBy.map { RequestActor(name: $0, isAdmin: false) } ?? .anonymous
        let spec: AppSpec
        // The default host must lie under a domain the policy allows, or the template's own Ingress would be refused.
        var context = context
        context.hostDomain = settings.policy.ingressDomains.first ?? context.hostDomain
        switch AppSpecValidator.validate(fields, context: context) {
        case .success(let valid): spec = valid
        case .failure(let errors): return .failure(errors)
        }
        let request = AppRequest(
            id: Self.newID(), appName: spec.name, engine: spec.engine.queue,
            model: spec.engine.usesModel ? settings.model : nil, source: source,
            spec: spec, autoPR: autoPR, requestedBy: requestedBy, at: Date()
        )
        do {
            let created = try await store.create(
                request, message: "Request received (\(source), \(spec.engine.rawValue) engine)",
                actedBy: actor.eventName,
                limits: ActiveLimits(total: settings.queueLimit, perUser: settings.perUserLimit))
            await runner.wake()
            return .success(created)
        } catch ActiveLimitReached.queue(let limit) {
            throw QueueFull(limit: limit, retryAfter: 30)
        } catch ActiveLimitReached.user(let user, let limit) {
            throw UserLimitReached(user: user, limit: limit, retryAfter: 30)
        } catch let taken as AppNameTaken {
            return .failure(
                FieldErrors(["app_name": "Request \(taken.requestID) is already open for \(taken.appName)."]))
        }
    }

    /// Back to the queue after a failure, rejection or cancel; earlier attempts and events stay.
    public func retry(_ id: String, by actor: RequestActor) async throws -> AppRequest {
        let request = try await existing(id, actingAs: actor)
        guard request.status.isRetryable else {
            throw ActionError(code: .conflict, message: "A \(request.status.rawValue) request cannot be retried.")
        }
        do {
            guard
                let queued = try await store.transition(
                    id, from: [.failed, .rejected, .cancelled, .closed], to: .queued, message: "Retry requested",
                    actedBy: actor.eventName,
                    change: { row in
                        row.failureReason = nil
                        // Manifests that passed are kept: the retry goes straight to the pull request.
                        if row.storedFiles != nil { row.autoPR = true }
                    })
            else { throw ActionError(code: .conflict, message: "The request changed meanwhile; reload and try again.") }
            await runner.wake()
            return queued
        } catch let taken as AppNameTaken {
            throw ActionError(
                code: .conflict, message: "Request \(taken.requestID) now holds the app name \(taken.appName).")
        }
    }

    public func cancel(_ id: String, by actor: RequestActor) async throws -> AppRequest {
        let request = try await existing(id, actingAs: actor)
        guard request.status.isCancellable else {
            throw ActionError(code: .conflict, message: "A \(request.status.rawValue) request cannot be cancelled.")
        }
        guard
            let cancelled = try await store.transition(
                id, from: [.queued, .generating, .validating, .ready, .openingPR], to: .cancelled,
                message: "Cancelled", actedBy: actor.eventName, change: { $0.failureReason = "cancelled" })
        else {
            throw ActionError(code: .conflict, message: "The request changed meanwhile; reload and try again.")
        }
        await runner.cancel(id)
        return cancelled
    }

    /// "Open pull request" on a ready request's preview.
    public func openPullRequest(_ id: String, by actor: RequestActor) async throws -> AppRequest {
        let request = try await existing(id, actingAs: actor)
        guard request.status == .ready else {
            throw ActionError(
                code: .conflict,
                message: "Only a ready request can open its pull request (this one is \(request.status.rawValue)).")
        }
        try await store.appendEvent(id, status: .ready, message: "Pull request requested", actedBy: actor.eventName)
        await runner.requestPullRequest(id)
        return request
    }

    /// Drafts again with the reviewer's feedback (ollama) or from the fields (template).
    public func regenerate(_ id: String, feedback: String, by actor: RequestActor) async throws -> AppRequest {
        let request = try await existing(id, actingAs: actor)
        guard [.ready, .rejected, .failed].contains(request.status) else {
            throw ActionError(code: .conflict, message: "A \(request.status.rawValue) request cannot be regenerated.")
        }
        let trimmed = feedback.trimmingCharacters(in: .whitespacesAndNewlines)
        // Refused, never cut: the reviewer's words go to the model whole or not at all.
        guard trimmed.count <= AppSpecValidator.maxPromptLength else {
            throw ActionError(code: .invalid, message: Self.feedbackTooLong(trimmed.count))
        }
        guard
            let queued = try await store.transition(
                id, from: [.ready, .rejected, .failed], to: .queued,
                message: trimmed.isEmpty ? "Regenerate requested" : "Regenerate requested with feedback: \(trimmed)",
                actedBy: actor.eventName,
                change: { row in
                    row.feedback = trimmed.isEmpty ? nil : trimmed
                    row.manifest = nil
                    row.storedFiles = nil
                    row.storedFindings = nil
                    row.failureReason = nil
                })
        else { throw ActionError(code: .conflict, message: "The request changed meanwhile; reload and try again.") }
        await runner.wake()
        return queued
    }

    static func feedbackTooLong(_ count: Int) -> String {
        "Keep the feedback under \(AppSpecValidator.maxPromptLength) characters; it has \(count). Nothing was sent."
    }

    /// Waits until the request stops moving: a final status, or `ready` when it does not open its
    /// PR itself; after `timeout` seconds, the request as it is. It wakes on the commit that
    /// settles the request (an observation of the database), not on a timer.
    public func waitUntilSettled(_ id: String, timeout: Double) async throws -> AppRequest {
        let settled = try await withThrowingTaskGroup(of: AppRequest?.self) { group in
            group.addTask { [store] in
                for try await progress in store.progress(of: id) {
                    guard let request = progress?.request else {
                        throw ActionError(code: .notFound, message: "There is no request \(id).")
                    }
                    if request.status.isFinal && !(request.status == .ready && request.autoPR) { return request }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let settled { return settled }
        return try await existing(id)
    }

    /// Follows a request for a live page: see `RequestWatch`.
    public func watch(_ id: String) -> RequestWatch {
        RequestWatch(id, store: store, feed: feed)
    }

    private func existing(_ id: String) async throws -> AppRequest {
        guard let request = try await store.request(id: id) else {
            throw ActionError(code: .notFound, message: "There is no request \(id).")
        }
        return request
    }

    /// The request, if `actor` may act on it.
    private func existing(_ id: String, actingAs actor: RequestActor) async throws -> AppRequest {
        let request = try await existing(id)
        guard actor.mayAct(on: request) else {
            throw ActionError(
                code: .forbidden,
                message: "Only \(request.requestedBy ?? "an admin") or an admin may change this request.")
        }
        return request
    }

    /// 12 hex characters: short enough for a branch name, random enough never to collide here.
    static func newID() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))
    }
}

/// Who asks for an action on a request.
public struct RequestActor: Sendable, Equatable {
    /// The signed-in user or token; nil when nobody signs in (`auth.mode: none`), where everyone
    /// is the same anonymous user and may act on every request.
    public var name: String?
    /// Listed in `auth.admins`: may act on anyone's requests.
    public var isAdmin: Bool

    public init(name: String?, isAdmin: Bool) {
        self.name = name
        self.isAdmin = isAdmin
    }

    public static let anonymous = RequestActor(name: nil, isAdmin: false)

    /// How the request's history names them.
    public var eventName: String { name ?? "anonymous" }

    /// The requester and admins may act on a request; without sign-in, anyone.
    public func mayAct(on request: AppRequest) -> Bool {
        guard let name else { return true }
        return isAdmin || request.requestedBy == name
    }
}

import FakeUpstreams
import Foundation
import GitOps
import HummingbirdTesting
import Provisioning
import RequestValues
import Status
import Store
import Testing

extension ForgeTests {
    /// The request follower against the fake GitHub and Gitea over HTTP, a real local repository
    /// and a fake Argo CD: every state after `pr_opened`, and what each costs in forge calls.
    @Suite("Following requests past their pull request")
    struct RequestFollowTests {
        static let manifest = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: ai-generated
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: ai-generated
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: ai-generated
            """

        // MARK: - GitHub

        @Test("GitHub: merged within one poll (a 304 before it), then deployed once Argo CD reports Synced/Healthy")
        func githubMergedThenDeployed() async throws {
            let fake = FakeGitHub()
            let argo = FakeArgoCD()
            try await serve(fake) { port in
                try await argo.application().test(.live) { argoClient in
                    let provider = try github(port)
                    let store = try freshStore()
                    let request = try await openedRequest("web", provider: provider, store: store)
                    let openCalls = await fake.requests.count
                    let follower = follower(store, provider, argoPort: argoClient.port, name: "github")

                    await follower.pollOnce()
                    await follower.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .prOpened)
                    #expect(await fake.notModified == 1)

                    let mergeCommit = await fake.merge(request.prNumber!)
                    await follower.pollOnce()
                    let merged = try #require(try await store.history(of: request.id))
                    #expect(merged.request.status == .merged)
                    #expect(merged.events.last?.source == "github poll")
                    #expect(try await store.follow(of: request.id)?.mergeCommit == mergeCommit)

                    try argo.report(app: "web", health: "Healthy")
                    await follower.pollOnce()
                    let deployed = try #require(try await store.history(of: request.id))
                    #expect(deployed.request.status == .deployed)
                    #expect(deployed.events.last?.source == "argocd")
                    #expect(try await store.follow(of: request.id)?.argoApp == "ai-generated")

                    // Settled: no more forge calls.
                    let before = await fake.requests.count
                    await follower.pollOnce()
                    #expect(await fake.requests.count == before)
                    // Submit to deployed: the 8 calls of opening the pull request (2 files), then one
                    // look per poll interval until the merge; here 3 looks, one of them a 304.
                    #expect(openCalls == 8)
                    #expect(before - openCalls == 3)
                    #expect(follower.metrics.forgeCalls("not_modified") == 1)
                }
            }
        }

        @Test("A hundred open pull requests cost a hundred conditional calls per poll interval, all 304 once seen")
        func hundredOpenRequests() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let provider = try github(port)
                let store = try freshStore()
                for index in 0..<100 {
                    let branch = "homeport/app\(index)-0000"
                    let number = await fake.seedPull(head: branch)
                    try await pretendOpened("app\(index)", branch: branch, number: number, store: store)
                }
                let follower = follower(store, provider, argoPort: nil, name: "github")
                await follower.pollOnce()
                #expect(await fake.requests.count == 100)
                await follower.pollOnce()
                #expect(await fake.requests.count == 200)
                #expect(await fake.notModified == 100)
            }
        }

        @Test("Closed unmerged → closed and the app name is free; reopened → pr_opened again")
        func closedThenReopened() async throws {
            let fake = FakeGitHub()
            try await serve(fake) { port in
                let provider = try github(port)
                let store = try freshStore()
                let request = try await openedRequest("web", provider: provider, store: store)
                let follower = follower(store, provider, argoPort: nil, name: "github")
                await follower.pollOnce()

                await fake.close(request.prNumber!)
                await follower.pollOnce()
                #expect(try await store.request(id: request.id)?.status == .closed)
                #expect(try await store.holder(ofApp: "web") == nil)
                let another = AppRequest(
                    id: "feedfacecafe", appName: "web", engine: "template", model: nil, source: "api",
                    spec: AppSpec(name: "web", owner: "group:default/platform-team", image: "nginx:1.27"),
                    autoPR: false, requestedBy: nil, at: Date())
                await #expect(throws: Never.self) {
                    try await store.create(another, message: "Request received", actedBy: "test")
                }

                await fake.reopen(request.prNumber!)
                await follower.pollOnce()
                let reopened = try #require(try await store.history(of: request.id))
                #expect(reopened.request.status == .prOpened)
                #expect(reopened.events.last?.message == "Pull request reopened")
            }
        }

        @Test("Argo CD reporting Degraded past the grace time → degraded, with Argo CD's message")
        func degraded() async throws {
            let fake = FakeGitHub()
            let argo = FakeArgoCD()
            try await serve(fake) { port in
                try await argo.application().test(.live) { argoClient in
                    let provider = try github(port)
                    let store = try freshStore()
                    let request = try await openedRequest("web", provider: provider, store: store)
                    await fake.merge(request.prNumber!)
                    try argo.report(
                        app: "web", health: "Degraded", message: "Deployment \\\"web\\\" exceeded its progress deadline"
                    )

                    let patient = follower(
                        store, provider, argoPort: argoClient.port, name: "github", degradedAfter: 600)
                    await patient.pollOnce()
                    await patient.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .merged)

                    let strict = follower(store, provider, argoPort: argoClient.port, name: "github", degradedAfter: 0)
                    await strict.pollOnce()
                    let degraded = try #require(try await store.history(of: request.id))
                    #expect(degraded.request.status == .degraded)
                    #expect(degraded.events.last?.message.contains("exceeded its progress deadline") == true)

                    try argo.report(app: "web", health: "Healthy")
                    await strict.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .deployed)
                }
            }
        }

        // MARK: - Gitea

        @Test("Gitea: merged within one poll, then deployed")
        func giteaMergedThenDeployed() async throws {
            let fake = FakeGitea()
            let argo = FakeArgoCD()
            try await serve(fake) { port in
                try await argo.application().test(.live) { argoClient in
                    let provider = try GiteaProvider(
                        apiURL: "http://127.0.0.1:\(port)/api/v1", repository: "homelab/platform",
                        token: "gitea-test-token", retry: fastRetry)
                    let store = try freshStore()
                    let request = try await openedRequest("web", provider: provider, store: store)
                    let follower = follower(store, provider, argoPort: argoClient.port, name: "gitea")
                    await follower.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .prOpened)

                    let mergeCommit = await fake.merge(request.prNumber!)
                    await follower.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .merged)
                    #expect(try await store.follow(of: request.id)?.mergeCommit == mergeCommit)

                    try argo.report(app: "web", health: "Healthy")
                    await follower.pollOnce()
                    #expect(try await store.request(id: request.id)?.status == .deployed)
                }
            }
        }

        // MARK: - Local git

        @Test("Local git: merging the branch with git → merged with the merge commit; deleting one unmerged → closed")
        func localGit() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
            let provider = GitCLIProvider(repositoryPath: folder.appendingPathComponent("platform").path)
            let store = try freshStore()
            let merged = try await openedRequest("web", provider: provider, store: store)
            let dropped = try await openedRequest("api", provider: provider, store: store)
            let follower = follower(store, provider, argoPort: nil, name: "git")
            await follower.pollOnce()
            #expect(try await store.request(id: merged.id)?.status == .prOpened)

            let repository = provider.repositoryPath
            try git(["merge", "--no-ff", "-m", "Merge web", merged.branch!], in: repository)
            try git(["branch", "-D", dropped.branch!], in: repository)
            await follower.pollOnce()

            let history = try #require(try await store.history(of: merged.id))
            #expect(history.request.status == .merged)
            #expect(history.events.last?.source == "git")
            #expect(
                try await store.follow(of: merged.id)?.mergeCommit == (try git(["rev-parse", "main"], in: repository)))
            #expect(try await store.request(id: dropped.id)?.status == .closed)
        }

        // MARK: - Helpers

        func github(_ port: Int) throws -> GitHubProvider {
            try GitHubProvider(
                apiURL: "http://127.0.0.1:\(port)", repository: "homelab/platform", token: "ghp_follow",
                retry: fastRetry)
        }

        func follower(
            _ store: RequestStore, _ provider: any GitProvider, argoPort: Int?, name: String,
            degradedAfter: Double = 600
        ) -> RequestFollower {
            let argocd = argoPort.map { port in
                ArgoCDClient(
                    url: "http://127.0.0.1:\(port)", caFile: nil, timeout: 10, metrics: UpstreamMetrics(),
                    token: { "argocd-token" })
            }
            return RequestFollower(
                store: store, provider: provider, argocd: argocd,
                settings: FollowSettings(pollInterval: 60, degradedAfter: degradedAfter, providerName: name),
                logger: quietLogger)
        }

        func freshStore() throws -> RequestStore {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("follow-db-\(UUID().uuidString)")
            let database = try HomeportDatabase(path: folder.path + "/homeport.sqlite")
            try database.migrate(folder: repositoryRoot + "/migrations")
            return RequestStore(database: database)
        }

        /// A request whose pull request `provider` really opened, recorded `pr_opened` as the job runner does.
        func openedRequest(_ app: String, provider: any GitProvider, store: RequestStore) async throws -> AppRequest {
            let id = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))
            let files = PullRequestText.files(
                appName: app, folder: "gitops/apps/ai-generated",
                manifest: Self.manifest.replacingOccurrences(of: "name: web", with: "name: \(app)"),
                catalogEntry: "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \(app)\n")
            let result = try await provider.openPullRequest(
                PullRequestDraft(
                    branch: PullRequestText.branch(appName: app, requestID: id), baseBranch: "main", files: files,
                    commitMessage: "Add \(app)", title: "Add \(app)", body: "Drafted by Homeport"))
            return try await record(app, id: id, result: result, manifest: files[0].content, store: store)
        }

        func pretendOpened(_ app: String, branch: String, number: Int, store: RequestStore) async throws {
            let result = PullRequestResult(
                url: "https://github.com/homelab/platform/pull/\(number)", number: number, branch: branch,
                commit: nil, diff: nil, reused: false)
            _ = try await record(app, id: "id\(app)", result: result, manifest: Self.manifest, store: store)
        }

        func record(_ app: String, id: String, result: PullRequestResult, manifest: String, store: RequestStore)
            async throws -> AppRequest
        {
            let request = AppRequest(
                id: id, appName: app, engine: "template", model: nil, source: "api",
                spec: AppSpec(name: app, owner: "group:default/platform-team", image: "nginx:1.27"), autoPR: true,
                requestedBy: nil, at: Date())
            _ = try await store.create(request, message: "Request received", actedBy: "test")
            return try #require(
                try await store.transition(id, to: .prOpened, message: "Pull request opened: \(result.url)") { row in
                    row.manifest = manifest
                    row.branch = result.branch
                    row.prURL = result.url
                    row.prNumber = result.number
                    row.commitSHA = result.commit
                })
        }

        @discardableResult
        func git(_ arguments: [String], in directory: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments =
                ["git", "-C", directory, "-c", "user.name=Reviewer", "-c", "user.email=r@homelab.local"]
                + arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "git \(arguments.joined(separator: " ")) failed")
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

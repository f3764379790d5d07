import FakeUpstreams
import Foundation
import HTTPClient
import HummingbirdTesting
import Store
import Testing

/// A bare repository as the `git` provider's remote, whose `pre-receive` hook holds every push
/// until the file `release` appears (or 60 s pass): the server is then caught opening a PR.
private func heldRemote() throws -> (path: String, release: String) {
    let folder = try freshFolder("remote")
    let remote = folder + "/remote.git"
    try git(["init", "--quiet", "--bare", remote], in: folder)
    let release = folder + "/release"
    let hook = remote + "/hooks/pre-receive"
    try """
    #!/bin/sh
    cat > /dev/null
    i=0
    while [ ! -f '\(release)' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
    exit 0
    """.write(toFile: hook, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
    return (remote, release)
}

private func branches(in repository: String) throws -> [String] {
    try git(["for-each-ref", "--format=%(refname:short)", "refs/heads/homeport/"], in: repository).split(
        separator: "\n"
    ).map(String.init)
}

@Suite("Crash safety of the real server", .serialized)
struct CrashSafetyTests {
    @Test(
        "SIGKILL during generation and during PR opening: after a restart every request is accounted for, with exactly one PR each, and the database is sound"
    )
    func killAndRestart() async throws {
        let data = try freshFolder("data")
        let (remote, release) = try heldRemote()
        let stalled = Gate()
        defer { stalled.open() }
        try await FakeOllama(.silent(gate: stalled)).application().test(.live) { silentOllama in
            try await FakeOllama(.replay("chat-stream-deployment.ndjson")).application().test(.live) { ollama in
                let environment = [
                    "HOMEPORT_DATA_DIR": data, "HOMEPORT_GITOPS_GIT_REMOTE": remote,
                    "HOMEPORT_OLLAMA_MODEL": "qwen2.5-coder:0.5b",
                    "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
                ]
                // First life: the model never answers; the template request's push is held.
                let first = try ServerProcess(
                    environment: environment.merging([
                        "HOMEPORT_OLLAMA_URL": "http://127.0.0.1:\(try #require(silentOllama.port))"
                    ]) { $1 },
                    port: closedPort())
                #expect(await first.waitUntilServing(), "\(first.log)")
                let generating = try await first.submit(
                    #"{"app_name": "killed-generating", "engine": "ollama", "prompt": "deploy nginx with 2 replicas on port 80", "auto_pr": true}"#
                )
                let opening = try await first.submit(
                    #"{"app_name": "killed-opening", "engine": "template", "image": "nginx:1.27", "auto_pr": true}"#)
                let finished = try await first.submit(
                    #"{"app_name": "queued-behind", "engine": "template", "image": "nginx:1.27", "auto_pr": false}"#)
                #expect(try await first.waitFor(generating, ["generating"]) == "generating")
                #expect(try await first.waitFor(opening, ["opening_pr"]) == "opening_pr")
                first.signal(SIGKILL)
                #expect(await first.waitForExit() == SIGKILL)

                // The orphaned push may now finish; the second life must not open a second PR.
                _ = FileManager.default.createFile(atPath: release, contents: nil)
                let second = try ServerProcess(
                    environment: environment.merging([
                        "HOMEPORT_OLLAMA_URL": "http://127.0.0.1:\(try #require(ollama.port))"
                    ]) { $1 },
                    port: closedPort())
                #expect(await second.waitUntilServing(), "\(second.log)")
                #expect(try await second.waitFor(generating, ["pr_opened", "failed", "rejected"]) == "pr_opened")
                #expect(try await second.waitFor(opening, ["pr_opened", "failed"]) == "pr_opened")
                #expect(try await second.waitFor(finished, ["ready", "pr_opened", "failed"]) == "ready")
                let list = try await second.send("GET", "/api/v1/requests")
                let total =
                    (try JSONSerialization.jsonObject(with: Data(list.body)) as? [String: Any])?["total"] as? Int
                #expect(total == 3, "every request is accounted for")

                let events = try await second.request(generating)["events"] as? [[String: Any]] ?? []
                #expect(
                    events.contains {
                        ($0["message"] as? String)?.contains("Homeport restarted during generating") == true
                    })
                let pushed = try branches(in: remote)
                #expect(pushed.count == 2, "one PR branch per request that opened one: \(pushed)")
                for id in [generating, opening] {
                    let branch = try await second.request(id)["branch"] as? String ?? "?"
                    #expect(pushed.filter { $0 == branch }.count == 1, "\(branch) in \(pushed)")
                }
                #expect(try branches(in: data + "/gitops.git").count == 2)

                second.signal(SIGTERM)
                #expect(await second.waitForExit() == 0)
                #expect(try await HomeportDatabase(path: data + "/homeport.sqlite").integrityCheck() == ["ok"])
            }
        }
    }

    @Test(
        "SIGKILL during a backoff after GitHub failed: the next start waits out the stored retry and opens exactly one PR"
    )
    func killDuringBackoff() async throws {
        let data = try freshFolder("data")
        let github = FakeGitHub()
        // GitHub is down (every call 503) until healed.
        await github.inject(503, body: jsonFixture("github/error-server-error.json"), times: .max)
        try await serve(github) { port in
            let environment = [
                "HOMEPORT_DATA_DIR": data, "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
                "HOMEPORT_GITOPS_PROVIDER": "github", "HOMEPORT_GITOPS_GITHUB_API_URL": "http://127.0.0.1:\(port)",
                "HOMEPORT_GITOPS_GITHUB_REPOSITORY": "homelab/platform",
                "GITHUB_TOKEN": "ghp_k1ll3dDur1ngB4ck0ff000000000000000000",
                // 4 to 8 s with jitter: long enough to kill the server inside the wait.
                "HOMEPORT_GITOPS_RETRY_FIRST_SECONDS": "8",
            ]
            let first = try ServerProcess(environment: environment, port: closedPort())
            #expect(await first.waitUntilServing(), "\(first.log)")
            let id = try await first.submit(
                #"{"app_name": "killed-waiting", "engine": "template", "image": "nginx:1.27", "auto_pr": true}"#)
            let store = RequestStore(database: try HomeportDatabase(path: data + "/homeport.sqlite"))
            var pending: StepRetry?
            for _ in 0..<400 where pending == nil {
                pending = try await store.pendingRetry(of: id)
                if pending == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let retry = try #require(pending, "no retry was scheduled: \(first.log)")
            first.signal(SIGKILL)
            #expect(await first.waitForExit() == SIGKILL)
            #expect(
                (4...8).contains(retry.waitSeconds), "gitops.retry_first_seconds, with jitter: \(retry.waitSeconds)")
            #expect(retry.retryAt > Date(), "killed inside the wait, before the retry ran")
            #expect(await github.pulls.isEmpty)

            await github.heal()
            let second = try ServerProcess(environment: environment, port: closedPort())
            #expect(await second.waitUntilServing(), "\(second.log)")
            #expect(try await second.waitFor(id, ["pr_opened", "failed"], limit: 400) == "pr_opened", "\(second.log)")
            #expect(await github.pulls.count == 1)
            #expect(try await store.retries(of: id).map(\.attempt) == [1])
            #expect(try await store.pendingRetry(of: id) == nil)
            let again = try await store.events(of: id).first {
                $0.message == "Opening the pull request again (attempt 2 of 8)"
            }
            let resumed = try #require(again, "the second life retried the step")
            #expect(resumed.at >= retry.retryAt.addingTimeInterval(-1), "it waited out the stored backoff")

            second.signal(SIGTERM)
            #expect(await second.waitForExit() == 0)
        }
    }

    @Test("homeport backup copies the database while the server runs and writes, and the copy holds every request")
    func backupWhileServing() async throws {
        let data = try freshFolder("data")
        let server = try ServerProcess(
            environment: ["HOMEPORT_DATA_DIR": data, "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab"],
            port: closedPort())
        #expect(await server.waitUntilServing(), "\(server.log)")
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(
                try await server.submit(
                    #"{"app_name": "backup-\#(index)", "engine": "template", "image": "nginx:1.27"}"#))
        }
        let copy = data + "/copy.sqlite"
        let backup = Process()
        backup.executableURL = server.process.executableURL
        backup.arguments = ["backup", copy]
        backup.environment = [
            "HOMEPORT_DATA_DIR": data, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
        ]
        backup.currentDirectoryURL = URL(fileURLWithPath: checkoutRoot)
        try backup.run()
        // The server keeps writing while the copy is taken.
        ids.append(
            try await server.submit(#"{"app_name": "backup-during", "engine": "template", "image": "nginx:1.27"}"#))
        backup.waitUntilExit()
        #expect(backup.terminationStatus == 0)
        let store = RequestStore(database: try HomeportDatabase(path: copy))
        for id in ids.dropLast() {
            #expect(try await store.request(id: id) != nil, "\(id) is in the copy")
        }
        #expect(try await HomeportDatabase(path: copy).integrityCheck() == ["ok"])
        server.signal(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("SIGTERM stops accepting, lets a running generation finish within the grace period, and exits 0")
    func gracefulStop() async throws {
        let data = try freshFolder("data")
        let never = Gate()
        try await FakeOllama(.drip("chat-stream-deployment.ndjson", pause: .milliseconds(40), gate: never))
            .application().test(.live) { ollama in
                let server = try ServerProcess(
                    environment: [
                        "HOMEPORT_DATA_DIR": data, "HOMEPORT_OLLAMA_MODEL": "qwen2.5-coder:0.5b",
                        "HOMEPORT_OLLAMA_URL": "http://127.0.0.1:\(try #require(ollama.port))",
                        "HOMEPORT_JOBS_SHUTDOWN_GRACE_SECONDS": "60",
                        "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
                    ], port: closedPort())
                #expect(await server.waitUntilServing(), "\(server.log)")
                let id = try await server.submit(
                    #"{"app_name": "finishes-on-term", "engine": "ollama", "prompt": "deploy nginx on port 80", "auto_pr": true}"#
                )
                #expect(try await server.waitFor(id, ["generating"]) == "generating")
                server.signal(SIGTERM)
                // New connections are refused while the generation still runs.
                var refusedWhileRunning = false
                for _ in 0..<100 where !refusedWhileRunning && server.process.isRunning {
                    refusedWhileRunning = (try? await server.send("GET", "/healthz")) == nil && server.process.isRunning
                    if !refusedWhileRunning { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(refusedWhileRunning)
                #expect(await server.waitForExit(seconds: 60) == 0, "\(server.log)")
                let store = RequestStore(database: try HomeportDatabase(path: data + "/homeport.sqlite"))
                #expect(
                    try await store.request(id: id)?.status == .prOpened, "the job finished within the grace period")
            }
    }

    @Test(
        "SIGTERM with a job longer than the grace period and a live page open: the feed ends, the job stops, the server exits 0, and the next start resumes it"
    )
    func graceRunsOut() async throws {
        let data = try freshFolder("data")
        let stalled = Gate()
        defer { stalled.open() }
        try await FakeOllama(.silent(gate: stalled)).application().test(.live) { ollama in
            let environment = [
                "HOMEPORT_DATA_DIR": data, "HOMEPORT_OLLAMA_MODEL": "qwen2.5-coder:0.5b",
                "HOMEPORT_OLLAMA_URL": "http://127.0.0.1:\(try #require(ollama.port))",
                "HOMEPORT_JOBS_SHUTDOWN_GRACE_SECONDS": "0.5",
                "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
            ]
            let server = try ServerProcess(environment: environment, port: closedPort())
            #expect(await server.waitUntilServing(), "\(server.log)")
            let id = try await server.submit(
                #"{"app_name": "outlives-grace", "engine": "ollama", "prompt": "deploy nginx on port 80"}"#)
            #expect(try await server.waitFor(id, ["generating"]) == "generating")
            // A browser follows the request live: its open feed must not hold the shutdown.
            let feedURL = server.url("/requests/\(id)/events")
            let following = Shared(false)
            let feed = Task {
                try? await CurlHTTPClient().stream(
                    UpstreamRequest(url: feedURL, timeout: 120), firstByteTimeout: nil, idleTimeout: nil
                ) { _ in
                    following.update { $0 = true }
                }
            }
            // SIGTERM once the page follows the request: the feed has sent its first events.
            let deadline = ContinuousClock.now + .seconds(60)
            while !following.current, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(following.current, "the live feed answered")
            server.signal(SIGTERM)
            #expect(await server.waitForExit() == 0, "\(server.log)")
            #expect(await feed.value?.status == 200, "the live feed ended with the server")
            let store = RequestStore(database: try HomeportDatabase(path: data + "/homeport.sqlite"))
            #expect(try await store.request(id: id)?.status == .generating, "checkpointed as it was")

            let again = try ServerProcess(environment: environment, port: closedPort())
            #expect(await again.waitUntilServing(), "\(again.log)")
            let events = try await again.request(id)["events"] as? [[String: Any]] ?? []
            #expect(
                events.contains { ($0["message"] as? String)?.contains("Homeport restarted during generating") == true }
            )
            again.signal(SIGTERM)
            #expect(await again.waitForExit() == 0)
        }
    }
}

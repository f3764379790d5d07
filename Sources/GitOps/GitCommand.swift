import Dispatch
import Foundation
import Synchronization

/// Runs the real `git` binary with Foundation's `Process`, off Swift's cooperative pool.
///
/// Launching and waiting on a process blocks, so each command runs on a thread of its own and the
/// calling task awaits the result. Not on `DispatchQueue.global()`: its pool is about as wide as
/// the machine has cores, and blocking it with git (a slow push) would also stall the libcurl
/// transfers queued there; on a 2-core host, concurrent commands ran twice as slow as serial ones.
/// Output is read from both pipes concurrently, so large diffs cannot dead-lock, and a command
/// that outlives `timeout` is terminated.
struct GitCommand: Sendable {
    struct Output: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String

        var text: String { String(decoding: stdout, as: UTF8.self) }
        /// The first line of stdout, trimmed (object names, ref values).
        var line: String {
            text.split(whereSeparator: \.isNewline).first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        }
    }

    /// Absolute path of the `git` executable, or nil when none was found.
    let executable: String?
    /// The environment every command starts from.
    let environment: [String: String]
    /// Seconds after which a command is terminated.
    let timeout: Double
    let redactor: Redactor

    init(executable: String?, author: (name: String, email: String), timeout: Double, redactor: Redactor) {
        self.executable = executable ?? Self.findGit()
        self.timeout = timeout
        self.redactor = redactor
        var environment = ProcessInfo.processInfo.environment
        // A caller's repository selection must not leak into ours (Homeport run from a git hook, say).
        for key in [
            "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX", "GIT_CEILING_DIRECTORIES",
            "GIT_DISCOVERY_ACROSS_FILESYSTEM",
        ] {
            environment[key] = nil
        }
        environment["GIT_AUTHOR_NAME"] = author.name
        environment["GIT_AUTHOR_EMAIL"] = author.email
        environment["GIT_COMMITTER_NAME"] = author.name
        environment["GIT_COMMITTER_EMAIL"] = author.email
        // Never wait for a password or a host-key prompt: there is nobody to answer.
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_ASKPASS"] = environment["GIT_ASKPASS"] ?? "true"
        environment["SSH_ASKPASS"] = environment["SSH_ASKPASS"] ?? "true"
        environment["GIT_SSH_COMMAND"] = environment["GIT_SSH_COMMAND"] ?? "ssh -o BatchMode=yes"
        // Stable, English messages for errors and parsing.
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        self.environment = environment
    }

    /// Runs `git -C directory args…`; a non-zero exit is returned, not thrown.
    func run(
        _ args: [String],
        in directory: String,
        environment extra: [String: String] = [:],
        input: Data? = nil
    ) async throws(GitProviderError) -> Output {
        guard let executable else {
            throw GitProviderError(kind: .git, message: "git is not installed (no git executable in PATH)")
        }
        var merged = environment
        for (key, value) in extra {
            merged[key] = value
        }
        let environment = merged
        let arguments = ["-C", directory] + args
        let timeout = timeout
        let result: Result<Output, GitProviderError> = await withCheckedContinuation { continuation in
            Self.detach {
                continuation.resume(returning: Self.launch(executable, arguments, environment, input, timeout))
            }
        }
        switch result {
        case .success(let output):
            return output
        case .failure(let error):
            throw GitProviderError(kind: error.kind, message: redactor.scrub(error.message))
        }
    }

    /// Runs a command that must succeed; a failure becomes a `git` error with git's own words.
    func check(
        _ args: [String],
        in directory: String,
        environment extra: [String: String] = [:],
        input: Data? = nil
    ) async throws(GitProviderError) -> Output {
        let output = try await run(args, in: directory, environment: extra, input: input)
        guard output.status == 0 else {
            throw failure(args, output)
        }
        return output
    }

    func failure(_ args: [String], _ output: Output) -> GitProviderError {
        let stderr = redactor.excerpt(output.stderr, limit: 500)
        let reason = output.status == Self.timedOut ? "timed out after \(Int(timeout)) s" : "exit \(output.status)"
        return GitProviderError(
            kind: .git,
            message: "git \(args.first ?? "") failed (\(reason))\(stderr.isEmpty ? "" : ": \(stderr)")"
        )
    }

    /// The status reported for a command terminated by the timeout.
    static let timedOut: Int32 = -2

    private static func launch(
        _ executable: String,
        _ arguments: [String],
        _ environment: [String: String],
        _ input: Data?,
        _ timeout: Double
    ) -> Result<Output, GitProviderError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = input == nil ? nil : Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(
                GitProviderError(
                    kind: .git, message: "could not start git at \(executable): \(error.localizedDescription)"))
        }

        let group = DispatchGroup()
        let collected = Collected()
        group.enter()
        detach {
            collected.setStderr(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        if let input, let stdin {
            group.enter()
            detach {
                // git may exit before reading everything (an error); a closed pipe is not our failure.
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
                group.leave()
            }
        }
        // A timer source, not `asyncAfter`: a cancelled source lets go of its handler (and with it
        // the process and its pipes) at once, where a cancelled work item stays queued, holding
        // them, until its deadline; under load that kept thousands of descriptors open.
        let watchdog = DispatchSource.makeTimerSource(queue: .global())
        watchdog.setEventHandler { [weak process] in
            guard let process, process.isRunning else { return }
            collected.markTimedOut()
            process.terminate()
        }
        watchdog.schedule(deadline: .now() + timeout)
        watchdog.resume()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        group.wait()
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
        let status = collected.timedOut ? timedOut : process.terminationStatus
        return .success(Output(status: status, stdout: out, stderr: String(decoding: collected.stderr, as: UTF8.self)))
    }

    /// Runs `work` on a new thread (blocking work must not occupy the shared Dispatch pool).
    private static func detach(_ work: @escaping @Sendable () -> Void) {
        let thread = Thread(block: work)
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Looks `git` up in PATH.
    static func findGit() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/git" } + ["/usr/bin/git", "/usr/local/bin/git"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// What the reader threads of one command collect.
private final class Collected: Sendable {
    private struct State {
        var stderr = Data()
        var timedOut = false
    }
    private let state = Mutex(State())

    var stderr: Data { state.withLock { $0.stderr } }
    var timedOut: Bool { state.withLock { $0.timedOut } }

    func setStderr(_ data: Data) { state.withLock { $0.stderr = data } }
    func markTimedOut() { state.withLock { $0.timedOut = true } }
}

/// Serializes the git provider's operations within this process (first-use import, ref updates).
actor AsyncMutex {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

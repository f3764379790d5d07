import FakeUpstreams
import Foundation
import HTTPClient
import Testing

/// The repository's root folder.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The `homeport` executable SwiftPM built beside this test bundle.
let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
    "homeport"
).path

struct Run {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs `homeport` with `arguments` and waits for it to exit.
func homeport(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOMEPORT_") }.merging(
        environment
    ) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        errors: String(decoding: errorData, as: UTF8.self))
}

private func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("The homeport command")
struct CommandLineTests {
    @Test("check prints every problem as file:line: reason and exits 1")
    func checkBroken() throws {
        let run = try homeport(["check", "Tests/Fixtures/platforms/broken"])
        #expect(run.status == 1)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 10)
        #expect(
            lines.contains(
                "catalog/bad-name.yaml:4: metadata.name 'bad name!' is not a valid name: 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
            ))
        #expect(lines.contains { $0.hasPrefix("catalog/yaml-error.yaml:8:1: found unexpected end of stream") })
        #expect(
            lines.contains(
                "catalog/dangling.yaml:10: spec.dependsOn of component:default/dangling-service refers to component:default/does-not-exist, which is not in the catalog"
            ))
        #expect(run.errors.contains("4 entities, 1 decision records, 10 problems"))
    }

    @Test("check of the example homelab passes")
    func checkExample() throws {
        let run = try homeport(["check", "examples/homelab"])
        #expect(run.status == 0)
        #expect(run.output == "31 entities, 7 decision records, 0 problems\n")
    }

    @Test("check --memory lists the heap each part of the platform holds, and their sum")
    func checkMemory() throws {
        let run = try homeport(["check", "--memory", "examples/homelab"])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "memory: heap each part of the snapshot held, freed part by part (MiB)")
        #expect(lines.last == "31 entities, 7 decision records, 0 problems")
        var mebibytes: [String: Double] = [:]
        for line in lines.dropFirst().dropLast() {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            try #require(fields.count == 2, "\(line)")
            mebibytes[fields[1]] = try #require(Double(fields[0]))
        }
        #expect(mebibytes["entities (their fields and YAML strings)", default: 0] > 0)
        #expect(mebibytes["platform ADRs (rendered HTML)", default: 0] > 0)
        #expect(mebibytes["search index", default: 0] > 0)
        let parts = mebibytes.filter { $0.key != "all parts" && $0.key != "heap in use before the load" }
        #expect(parts.count == 10)
        let sum = parts.values.reduce(0, +)
        #expect(abs(sum - mebibytes["all parts", default: -1]) <= 0.01 * Double(parts.count))
    }

    @Test("check of a folder that does not exist fails with the reason")
    func checkMissing() throws {
        let run = try homeport(["check", "/no/such/platform"])
        #expect(run.status == 1)
        #expect(run.output.contains("is not a readable folder"))
    }

    @Test("migrate creates the database and is idempotent")
    func migrate() throws {
        let data = try temporaryFolder()
        let first = try homeport(["migrate"], environment: ["HOMEPORT_DATA_DIR": data])
        #expect(first.status == 0)
        #expect(FileManager.default.fileExists(atPath: data + "/homeport.sqlite"))
        let second = try homeport(["migrate"], environment: ["HOMEPORT_DATA_DIR": data])
        #expect(second.output == "database is up to date\n")
    }

    @Test(
        "a bad configuration stops the start with the key path and the reason",
        arguments: [
            (
                ["HOMEPORT_SERVER_PORT": "eighty"],
                "HOMEPORT_SERVER_PORT: server.port: expected a port number from 1 to 65535, got 'eighty'"
            ),
            (["HOMEPORT_SERVER_PROT": "80"], "HOMEPORT_SERVER_PROT: unknown variable"),
            (["HOMEPORT_CONFIG": "/no/such.yaml"], "/no/such.yaml: cannot read the configuration file"),
            (
                ["HOMEPORT_SERVER_HOST": "0.0.0.0"],
                "server.host: 0.0.0.0 would let anyone who reaches it open pull requests without signing in"
            ),
            (
                [
                    "HOMEPORT_AUTH_MODE": "token", "HOMEPORT_AUTH_TOKENS_FILE": "/no/such/tokens",
                    "HOMEPORT_DATA_DIR": NSTemporaryDirectory() + "homeport-cli-tokens",
                ],
                "auth.tokens_file: cannot read the token file /no/such/tokens"
            ),
        ])
    func badConfiguration(_ environment: [String: String], _ message: String) throws {
        let run = try homeport(["serve"], environment: environment)
        #expect(run.status != 0)
        #expect(run.errors.contains(message), "stderr: \(run.errors)")
    }

    @Test("serve answers on the configured port and SIGHUP reloads the platform")
    func serveAndHangUp() async throws {
        let platform = try temporaryFolder() + "/platform"
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Tests/Fixtures/platforms/broken", toPath: platform)
        let port = closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve"]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOMEPORT_") }.merging([
            "HOMEPORT_SERVER_PORT": "\(port)", "HOMEPORT_DATA_DIR": try temporaryFolder(),
            "HOMEPORT_PLATFORM_ROOT": platform,
        ]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }

        let client = CurlHTTPClient()
        let errorsPage = UpstreamRequest(url: "http://127.0.0.1:\(port)/-/errors", timeout: 2)
        var first: UpstreamResponse?
        // Bounded at a minute: a debug server starting on a loaded machine can take seconds.
        for _ in 0..<600 where first == nil {
            first = try? await client.send(errorsPage)
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(first?.status == 200)
        #expect(first?.text.contains("catalog/bad-name.yaml") == true)

        try
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: fixed}\nspec: {type: service, lifecycle: production, owner: team-a}\n"
            .write(toFile: platform + "/catalog/bad-name.yaml", atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        var reloaded = false
        for _ in 0..<600 where !reloaded {
            try await Task.sleep(for: .milliseconds(100))
            reloaded =
                try await client.send(UpstreamRequest(url: "http://127.0.0.1:\(port)/catalog/component/default/fixed"))
                .status == 200
        }
        #expect(reloaded)
        #expect(process.isRunning)
    }
}

@Suite("homeport backup")
struct BackupCommandTests {
    @Test("backup copies the database and refuses to overwrite a file")
    func backup() throws {
        let data = try temporaryFolder()
        #expect(try homeport(["migrate"], environment: ["HOMEPORT_DATA_DIR": data]).status == 0)
        let first = try homeport(["backup", data + "/copy.sqlite"], environment: ["HOMEPORT_DATA_DIR": data])
        #expect(first.status == 0)
        #expect(first.output.contains("integrity check ok"))
        #expect(FileManager.default.fileExists(atPath: data + "/copy.sqlite"))
        let again = try homeport(["backup", data + "/copy.sqlite"], environment: ["HOMEPORT_DATA_DIR": data])
        #expect(again.status != 0)
        #expect(again.errors.contains("already exists"))
        let missing = try homeport(["backup", data + "/x.sqlite"], environment: ["HOMEPORT_DATA_DIR": data + "/none"])
        #expect(missing.errors.contains("nothing to back up"))
    }
}

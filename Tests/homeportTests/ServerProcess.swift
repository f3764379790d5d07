import Foundation
import HTTPClient

/// The repository's root folder.
let checkoutRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A fresh temporary folder.
func freshFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-\(label)-\(UUID().uuidString)")
        .path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// `homeport serve` as a separate process on a free loopback port, as an operator runs it, with
/// only the `HOMEPORT_*` variables given (plus a data folder and the port).
final class ServerProcess {
    let port: Int
    let process = Process()
    let logFile: String
    private let client = CurlHTTPClient()

    /// `binary` and `directory` default to the built executable, run from the checkout.
    init(environment: [String: String], port: Int, binary: String? = nil, directory: String = checkoutRoot) throws {
        self.port = port
        let binary =
            binary
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "homeport"
            ).path
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HOMEPORT_") }
            .merging(environment.merging(["HOMEPORT_SERVER_PORT": "\(port)"]) { $1 }) { $1 }
        logFile = try freshFolder("log") + "/homeport.log"
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// Waits (bounded) until `/healthz` answers; false if it never does.
    func waitUntilServing() async -> Bool {
        for _ in 0..<300 {
            if let response = try? await client.send(UpstreamRequest(url: url("/healthz"), timeout: 2)),
                response.status == 200
            {
                return true
            }
            if !process.isRunning { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func send(_ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = [])
        async throws -> UpstreamResponse
    {
        var all = headers
        if json != nil { all.append((name: "Content-Type", value: "application/json")) }
        return try await client.send(
            UpstreamRequest(
                method: method, url: url(path), headers: all, body: json.map { Array($0.utf8) }, timeout: 10))
    }

    /// The request's JSON from the API.
    func request(_ id: String) async throws -> [String: Any] {
        let response = try await send("GET", "/api/v1/requests/\(id)")
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// Submits through the API; returns the new request's id.
    func submit(_ json: String) async throws -> String {
        let response = try await send("POST", "/api/v1/requests", json: json)
        let object = (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
        guard response.status == 202, let id = object["id"] as? String else {
            throw ProcessTestError(message: "submit answered \(response.status): \(response.text)")
        }
        return id
    }

    /// Waits (bounded) until the request's status is one of `statuses`; returns the last status seen.
    @discardableResult
    func waitFor(_ id: String, _ statuses: Set<String>, limit: Int = 300) async throws -> String {
        var status = ""
        for _ in 0..<limit {
            status = try await request(id)["status"] as? String ?? ""
            if statuses.contains(status) { return status }
            try await Task.sleep(for: .milliseconds(100))
        }
        return status
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits (bounded) for the process to end; its exit status, or nil if it is still running.
    func waitForExit(seconds: Int = 30) async -> Int32? {
        for _ in 0..<(seconds * 10) where process.isRunning {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct ProcessTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs `git` with `arguments`; its standard output.
@discardableResult
func git(_ arguments: [String], in folder: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", folder] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

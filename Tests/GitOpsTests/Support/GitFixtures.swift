import Foundation

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init(_ label: String = "gitops") throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("homeport-\(label)-\(UUID().uuidString.prefix(8))")
            .standardizedFileURL
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func write(_ relative: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
}

struct GitFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs git synchronously for test setup and assertions; returns stdout (trailing newline trimmed).
@discardableResult
func git(_ args: [String], in directory: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", directory] + args
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_AUTHOR_NAME"] = "Test Person"
    environment["GIT_AUTHOR_EMAIL"] = "person@example.com"
    environment["GIT_COMMITTER_NAME"] = "Test Person"
    environment["GIT_COMMITTER_EMAIL"] = "person@example.com"
    environment["LC_ALL"] = "C"
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw GitFailure(
            description: "git \(args.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
    }
    var text = String(decoding: data, as: UTF8.self)
    while text.hasSuffix("\n") {
        text.removeLast()
    }
    return text
}

/// A small platform repository to import: the shape of `examples/homelab`, in miniature.
func makeSeed(in folder: TemporaryFolder) throws -> String {
    let seed = folder.path + "/seed"
    try folder.write("seed/README.md", "# Homelab platform\n")
    try folder.write("seed/apps/web/catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\n")
    try folder.write("seed/gitops/apps/.keep", "")
    try folder.write("seed/platform/inventory.yaml", "hosts: []\n")
    return seed
}

/// A working copy with one commit on `main`, as a person would have it.
func makeWorkingCopy(in folder: TemporaryFolder, name: String = "work") throws -> String {
    let path = folder.path + "/" + name
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    try git(["init", "--quiet", "-b", "main"], in: path)
    try folder.write("\(name)/README.md", "# platform\n")
    try folder.write("\(name)/gitops/apps/existing.yaml", "kind: ConfigMap\n")
    try git(["add", "--all"], in: path)
    try git(["-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "Initial"], in: path)
    return path
}

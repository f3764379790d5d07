import Foundation
import Testing

@testable import Portal

private let corpusFolder = repositoryRoot + "/Tests/Fixtures/hostile-input"
private let secret = "homeport-outside-secret"

/// One line of `symlinks.txt`: a link made in a copy of the `symlinks/` platform, and the page
/// that would show its target if the link were followed.
struct HostileLink: Sendable, CustomTestStringConvertible {
    var link: String
    var target: String
    var page: String
    var testDescription: String { "\(link) -> \(target)" }

    static let corpus: [HostileLink] = {
        let text = (try? String(contentsOfFile: corpusFolder + "/symlinks.txt", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 4, fields[1] == "->" else { return nil }
            return HostileLink(link: fields[0], target: fields[2], page: fields[3])
        }
    }()
}

/// A temporary folder outside the platform repository, holding `secret` in every shape a page could show.
private func secretsOutside() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-outside-\(UUID().uuidString)")
        .path
    let files = [
        "secret.txt": "token: \(secret)\n",
        "catalog/catalog-info.yaml": """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: {name: outside-component, description: \(secret)}
        spec: {type: service, lifecycle: production, owner: team}
        """,
        "adr/0009-leak.md": "---\nstatus: accepted\n---\n# \(secret)\n\n\(secret)\n",
        "inventory.yaml": "hardware:\n  - {name: \(secret), notes: \(secret)}\n",
    ]
    for (path, text) in files {
        let full = folder + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    return folder
}

@Suite("Hostile input corpus: symbolic links (Tests/Fixtures/hostile-input/symlinks.txt)")
struct HostileInputSymlinkTests {
    @Test(
        "a symbolic link that leads outside the platform repository shows nothing of its target, and /-/errors names it",
        arguments: HostileLink.corpus)
    func linkOutside(_ item: HostileLink) async throws {
        let outside = try secretsOutside()
        // Git keeps symbolic links, but a checkout on another machine would point elsewhere: made here.
        let root = try copyOfFolder(corpusFolder + "/symlinks")
        let path = root + "/" + item.link
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(
            atPath: path, withDestinationPath: item.target.replacingOccurrences(of: "OUTSIDE", with: outside))

        let (app, _) = try await portal(root: root)
        try await app.test(.router) { client in
            for page in [item.page, "/", "/catalog", "/adr", "/inventory"] {
                let answer = try await client.page(page)
                #expect(!answer.body.contains(secret), "\(page) shows the file outside the repository")
            }
            let errors = try await client.page("/-/errors").body
            let reason = "symbolic link leads outside the platform repository"
            #expect(
                errors.contains("<code>\(item.link)</code>") && errors.contains(reason)
                    || errors.contains("\(item.link): \(reason)"),
                "/-/errors does not name \(item.link)")
            // The rest of the repository still serves.
            #expect(try await client.page("/catalog/group/default/team").status == .ok)
        }
    }
}

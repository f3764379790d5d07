import Foundation
import Testing

@testable import Platform

/// What the folder outside the repository holds: each file carries `outsideMarker`, so that a
/// page or snapshot showing it is caught whichever loader read it.
let outsideMarker = "homeport-outside-secret"

/// A fresh folder outside any platform repository, holding a secret in every shape a loader reads.
func outsideFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("homeport-outside-\(UUID().uuidString)")
        .path
    let files = [
        "secret.txt": "token: \(outsideMarker)\n",
        "catalog/catalog-info.yaml": component(outsideMarker),
        "adr/0009-leak.md": "---\nstatus: accepted\n---\n# \(outsideMarker)\n\n## Context\n\n\(outsideMarker)\n",
        "inventory.yaml": "hardware:\n  - {name: \(outsideMarker), notes: \(outsideMarker)}\n",
        "services.yaml":
            "groups:\n  - name: \(outsideMarker)\n    services:\n      - {name: \(outsideMarker), url: \"https://\(outsideMarker).example\"}\n",
        "dashboard.json": #"{"uid": "\#(outsideMarker)", "title": "\#(outsideMarker)"}"#,
        "app.yaml":
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: \(outsideMarker)}\nspec: {project: default}\n",
    ]
    for (path, text) in files {
        let full = folder + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    return folder
}

/// Makes the symbolic link `path` (relative to `root`) pointing at `target`, written as given;
/// a target starting with `OUTSIDE` is taken into `outside`. What was at `path` is replaced.
func link(_ path: String, to target: String, in root: String, outside: String) throws {
    let full = root + "/" + path
    try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(atPath: full)
    let destination = target.hasPrefix("OUTSIDE") ? outside + target.dropFirst("OUTSIDE".count) : target
    try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: destination)
}

/// Everything a snapshot holds, as text, to look for what must not be in it.
func everything(in snapshot: PlatformSnapshot) -> String {
    var text = ""
    dump(snapshot, to: &text)
    return text
}

struct LinkCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Repository files beside `catalog/team.yaml`; the root location lists `targets`.
    var targets: [String] = []
    var files: [String: String] = [:]
    /// Link path → target (`OUTSIDE/...` is the outside folder).
    var links: [(String, String)]
    /// The problem that names the refused link.
    var problemFile: String
    var problemReason: String
    /// What must not be in the snapshot (the outside folder's marker unless said).
    var secret = outsideMarker
    var testDescription: String { name }

    static let api =
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team\n  definition:\n    $text: ./passwd-link\n"
    static let leaves = "symbolic link leads outside the platform repository"

    static let all: [LinkCase] = [
        LinkCase(
            name: "$text through a link to a file outside", targets: ["./api.yaml"], files: ["catalog/api.yaml": api],
            links: [("catalog/passwd-link", "OUTSIDE/secret.txt")],
            problemFile: "catalog/api.yaml", problemReason: "spec.definition $text: catalog/passwd-link: \(leaves)"),
        LinkCase(
            name: "Location target through a folder link", targets: ["../outside-catalog/catalog-info.yaml"],
            links: [("outside-catalog", "OUTSIDE/catalog")],
            problemFile: "catalog/locations.yaml", problemReason: "outside-catalog: \(leaves)"),
        LinkCase(
            name: "Location target that is a link to a file outside", targets: ["./leak.yaml"],
            links: [("catalog/leak.yaml", "OUTSIDE/catalog/catalog-info.yaml")],
            problemFile: "catalog/locations.yaml", problemReason: "catalog/leak.yaml: \(leaves)"),
        LinkCase(
            name: "glob through a folder link", targets: ["../etc-link/*/catalog-info.yaml"],
            links: [("etc-link", "OUTSIDE")],
            problemFile: "catalog/locations.yaml", problemReason: "etc-link: \(leaves)"),
        LinkCase(
            name: "glob through etc-link -> /etc", targets: ["../etc-link/*"],
            links: [("etc-link", "/etc")],
            problemFile: "catalog/locations.yaml", problemReason: "etc-link: \(leaves)", secret: "root:x:0:0"),
        LinkCase(
            name: "** reaching a folder link", targets: ["../apps/**/catalog-info.yaml"],
            files: ["apps/good/catalog-info.yaml": component("good")],
            links: [("apps/evil", "OUTSIDE/catalog")],
            problemFile: "catalog/locations.yaml", problemReason: "apps/evil: \(leaves)"),
        LinkCase(
            name: "a link loop", targets: ["./loop-a"],
            links: [("catalog/loop-a", "loop-b"), ("catalog/loop-b", "loop-a")],
            problemFile: "catalog/locations.yaml", problemReason: "catalog/loop-a: symbolic link loop"),
        LinkCase(
            name: "the root location is a link",
            links: [("catalog/locations.yaml", "OUTSIDE/catalog/catalog-info.yaml")],
            problemFile: "catalog/locations.yaml", problemReason: leaves),
        LinkCase(
            name: "an ADR file is a link", links: [("docs/adr/0009-leak.md", "OUTSIDE/adr/0009-leak.md")],
            problemFile: "docs/adr/0009-leak.md", problemReason: leaves),
        LinkCase(
            name: "the ADR folder is a link", links: [("docs/adr", "OUTSIDE/adr")],
            problemFile: "docs/adr", problemReason: leaves),
        LinkCase(
            name: "the inventory is a link", links: [("platform/inventory.yaml", "OUTSIDE/inventory.yaml")],
            problemFile: "platform/inventory.yaml", problemReason: leaves),
        LinkCase(
            name: "the service links are a link", links: [("platform/services.yaml", "OUTSIDE/services.yaml")],
            problemFile: "platform/services.yaml", problemReason: leaves),
        LinkCase(
            name: "the folder of the inventory is a link", links: [("platform", "OUTSIDE")],
            problemFile: "platform", problemReason: "\(leaves); platform/inventory.yaml is not read"),
        LinkCase(
            name: "a dashboard is a link", links: [("monitoring/dashboards/leak.json", "OUTSIDE/dashboard.json")],
            problemFile: "monitoring/dashboards/leak.json", problemReason: leaves),
        LinkCase(
            name: "an Argo CD Application is a link", links: [("gitops/apps/leak.yaml", "OUTSIDE/app.yaml")],
            problemFile: "gitops/apps/leak.yaml", problemReason: leaves),
    ]
}

@Suite("Symbolic links in the platform repository")
struct SymlinkTests {
    @Test(
        "a link that leaves the repository is refused, named in a problem, and nothing of its target is loaded",
        arguments: LinkCase.all)
    func refused(_ item: LinkCase) throws {
        let outside = try outsideFolder()
        var files = item.files
        files["catalog/team.yaml"] = teamGroup
        files["catalog/locations.yaml"] =
            "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [\((["./team.yaml"] + item.targets).joined(separator: ", "))]\n"
        let root = try temporaryPlatform(files)
        for (path, target) in item.links {
            try link(path, to: target, in: root, outside: outside)
        }
        let snapshot = try loadPlatform(root)
        #expect(!everything(in: snapshot).contains(item.secret), "the target's content reached the snapshot")
        #expect(
            snapshot.problems.contains { $0.file == item.problemFile && $0.reason.contains(item.problemReason) },
            "\(snapshot.problems.map(\.description))")
    }

    @Test(
        "links that stay inside the repository keep working, a root that is a link included, and a link to a parent folder does not loop"
    )
    func inside() throws {
        let real = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./team.yaml, ./api.yaml, ../apps/**/catalog-info.yaml]\n",
            "catalog/team.yaml": teamGroup,
            "catalog/api.yaml": LinkCase.api,
            "definitions/openapi.yaml": "openapi: 3.0.0 # inside definition\n",
            "services/web/catalog-info.yaml": component("web"),
            "records/0002-linked.md": "---\nstatus: accepted\n---\n# Linked record\n",
            "platform/real-inventory.yaml": "hardware:\n  - {name: box}\n",
        ])
        try link("catalog/passwd-link", to: "../definitions/openapi.yaml", in: real, outside: "")
        try FileManager.default.createDirectory(atPath: real + "/apps", withIntermediateDirectories: true)
        try link("apps/web", to: "../services/web", in: real, outside: "")
        try link("apps/again", to: "..", in: real, outside: "")
        try link("docs/adr/0002-linked.md", to: "../../records/0002-linked.md", in: real, outside: "")
        try link("platform/inventory.yaml", to: "real-inventory.yaml", in: real, outside: "")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-root-link-\(UUID().uuidString)"
        ).path
        try FileManager.default.createSymbolicLink(atPath: root, withDestinationPath: real)

        let snapshot = try loadPlatform(root)
        #expect(snapshot.problems == [])
        #expect(
            snapshot.catalog[EntityRef(kind: "api", name: "api")]?.definition == "openapi: 3.0.0 # inside definition\n")
        #expect(
            snapshot.catalog[EntityRef(kind: "component", name: "web")]?.source.file == "apps/web/catalog-info.yaml")
        #expect(snapshot.adrs.map(\.title) == ["Linked record"])
        #expect(snapshot.inventory.hardware.map(\.name) == ["box"])
    }

    @Test("a named pipe is refused as not a regular file, and opening it does not wait for a writer")
    func namedPipe() throws {
        let root = try temporaryPlatform(["docs/adr/0002-plain.md": "---\nstatus: accepted\n---\n# Plain\n"])
        #expect(mkfifo(root + "/docs/adr/0001-pipe.md", 0o600) == 0)
        let snapshot = try loadPlatform(root)
        #expect(
            snapshot.problems.filter { $0.file.hasPrefix("docs/") }.map(\.description) == [
                "docs/adr/0001-pipe.md: not a regular file"
            ])
        #expect(snapshot.adrs.map(\.title) == ["Plain"])
    }
}

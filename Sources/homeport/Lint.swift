import ArgumentParser
import Config
import Foundation
import Manifests
import YAML

/// `homeport lint`: the new-app policy as a check for the GitOps repository's own CI.
///
/// The rules are the new-app flow's (`ManifestChecker.lint`), applied to files as written.
struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check Kubernetes manifests against the policy generated apps pass; exit 1 on any error.",
        discussion: """
            Prints one line per finding, FILE:LINE: error|warning: Kind/name: path: message. \
            A DIR is walked for *.yaml and *.yml; kustomization files and files holding no \
            Kubernetes object (Backstage catalog-info.yaml, Helm values) are skipped and named on \
            standard error. Exit status: 0 without errors, 1 with errors, 2 for a usage error or an \
            unreadable file.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(
        help:
            "Namespace every namespaced object must be in (default: policy.namespace of the configuration, ai-generated)."
    )
    var namespace: String?

    @Option(
        help:
            "Pod Security level: baseline (its items are errors, restricted items warnings) or restricted (both errors)."
    )
    var level: PodSecurityLevel = .baseline

    @Option(
        name: .customLong("allow-kind"),
        help: "A kind accepted beyond the allow-list, RBAC and cluster-scoped ones included (repeatable).")
    var allowKinds: [String] = []

    @Argument(help: "Files and folders to check.")
    var paths: [String]

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one FILE or DIR") }
    }

    func run() async throws {
        let config = try options.load()
        // The flow's policy from the same configuration (policy.* keys and their variables).
        var policy = config.manifestPolicy
        if let namespace { policy.namespace = namespace }
        policy.admittedKinds = Set(allowKinds)
        // A repository's files, not a model's answer: the caps only guard against absurd input.
        policy.maxBytes = 16 << 20
        policy.maxDocuments = 10_000
        policy.maxAliasExpansion = 100_000

        let files: [String]
        do {
            files = try LintFiles.expand(paths)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        var errors = 0
        var warnings = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(file): cannot read the file\n".utf8))
                throw ExitCode(2)
            }
            let text = String(decoding: data, as: UTF8.self)
            if let reason = LintFiles.skipReason(name: (file as NSString).lastPathComponent, text: text) {
                FileHandle.standardError.write(Data("skipped \(file): \(reason)\n".utf8))
                continue
            }
            for located in ManifestChecker.lint(text, policy: policy, level: level) {
                print(LintFiles.line(file: file, located))
                if located.finding.severity == .error { errors += 1 } else { warnings += 1 }
            }
        }
        FileHandle.standardError.write(Data("\(files.count) files, \(errors) errors, \(warnings) warnings\n".utf8))
        if errors > 0 { throw ExitCode(1) }
    }
}

extension PodSecurityLevel: ExpressibleByArgument {}

/// Which files `homeport lint` reads, and how it prints a finding.
enum LintFiles {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    /// Files as given, and the `*.yaml`/`*.yml` files below each folder, sorted, each once.
    static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Unreadable(description: "\(path): no such file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw Unreadable(description: "\(path): cannot read the folder")
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            files += walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted().map { base + "/" + $0 }
        }
        var seen: Set<String> = []
        return files.filter { seen.insert($0).inserted }
    }

    /// Why a file is not checked: a kustomization, or no document in it is a Kubernetes object
    /// (no `kind`, or a Backstage or kustomize `apiVersion`). Nil for files to check; a file that
    /// does not parse is checked, so its YAML error shows.
    static func skipReason(name: String, text: String) -> String? {
        if ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains(name) {
            return "a kustomization, not a Kubernetes object"
        }
        guard
            let documents = try? YAML.parseDocuments(
                text,
                limits: YAMLLimits(maxBytes: 16 << 20, maxDepth: 64, maxAliasExpansion: 100_000, maxDocuments: 10_000))
        else { return nil }
        let objects = documents.filter { !$0.isNull }
        let isKubernetes = objects.contains { document in
            guard document.mapping != nil, document["kind"]?.string != nil else { return document.sequence != nil }
            let apiVersion = document["apiVersion"]?.string ?? ""
            return !foreignAPIGroups.contains { apiVersion.hasPrefix($0) }
        }
        return isKubernetes ? nil : "no Kubernetes object in it"
    }

    /// API groups of tools that keep YAML beside manifests but are not Kubernetes objects.
    static let foreignAPIGroups = ["backstage.io/", "kustomize.config.k8s.io/"]

    /// `FILE:LINE: error|warning: Kind/name: path: message`, empty parts left out.
    static func line(file: String, _ located: LocatedFinding) -> String {
        let finding = located.finding
        return
            (["\(file):\(located.line)", finding.severity.rawValue, finding.object, finding.path, finding.message]
            .filter { !$0.isEmpty })
            .joined(separator: ": ")
    }
}

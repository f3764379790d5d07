import Foundation
import GitOps
import Manifests
import Store

/// Names and words of a request's pull request: branch, files, title and body.
public enum PullRequestText {
    /// `homeport/<app>-<short id>`: readable, and unique per request so a retry finds its own branch.
    public static func branch(appName: String, requestID: String) -> String {
        "homeport/\(appName)-\(requestID.prefix(8))"
    }

    public static func title(appName: String) -> String {
        "Add \(appName) (drafted by Homeport)"
    }

    /// The files a request proposes, under `<folder>/<app>/`.
    public static func files(appName: String, folder: String, manifest: String, catalogEntry: String)
        -> [PullRequestDraft.File]
    {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        return [
            PullRequestDraft.File(path: "\(base)/\(appName)/manifest.yaml", content: manifest),
            PullRequestDraft.File(path: "\(base)/\(appName)/catalog-info.yaml", content: catalogEntry),
        ]
    }

    /// The body reviewers read: what was asked, by which engine, the policy report, a link back.
    public static func body(
        request: AppRequest, spec: AppSpec, findings: [PolicyFinding], files: [PullRequestDraft.File],
        requestURL: String
    ) -> String {
        let engine =
            request.engine == AppSpec.Engine.ollama.rawValue
            ? "ollama (model \(request.model ?? "unknown"))" : "template (deterministic)"
        var body = """
            Homeport drafted this change for request [\(request.id)](\(requestURL)). Review it before merging: \
            Argo CD deploys what is merged.

            | | |
            |---|---|
            | App | `\(spec.name)` |
            | Owner | \(spec.owner) |
            | Engine | \(engine) |
            | Requested by | \(request.requestedBy ?? "anonymous") |

            ### What it should do

            \(spec.prompt.isEmpty ? "_No description given._" : spec.prompt.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n"))

            ### Policy report

            """
        let errors = findings.filter { $0.severity == .error }
        let warnings = findings.filter { $0.severity == .warning }
        if errors.isEmpty && warnings.isEmpty {
            body += "Passed with no findings.\n"
        } else {
            body +=
                errors.isEmpty
                ? "Passed with \(warnings.count) warning(s):\n\n"
                : "\(errors.count) error(s), \(warnings.count) warning(s):\n\n"
            body +=
                findings.map { finding in
                    let place = [finding.object, finding.path].filter { !$0.isEmpty }.map { "`\($0)`" }.joined(
                        separator: " ")
                    return "- **\(finding.severity.rawValue)** \(place) \(finding.message)"
                }.joined(separator: "\n") + "\n"
        }
        body += "\n### Files\n\n" + files.map { "- `\($0.path)`" }.joined(separator: "\n") + "\n"
        return body
    }
}

import Foundation
import GitOps
import Manifests
import RequestValues
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
    ///
    /// Every piece of user text (the prompt, the reviewer's feedback, the owner and user names,
    /// and the findings, which quote the model's output) goes through `InertMarkdown`, so that
    /// nothing in it mentions anyone, closes or references an issue, or hides the rest of the body.
    public static func body(
        request: AppRequest, spec: AppSpec, findings: [PolicyFinding], files: [PullRequestDraft.File],
        requestURL: String
    ) -> String {
        let engine =
            request.engine == AppSpec.Engine.ollama.rawValue
            ? "ollama (model \(InertMarkdown.codeSpan(request.model ?? "unknown", inTable: true)))"
            : "template (deterministic)"
        var body = """
            Homeport drafted this change for request [\(request.id)](\(requestURL)). Review it before merging: \
            Argo CD deploys what is merged.

            | | |
            |---|---|
            | App | `\(spec.name)` |
            | Owner | \(InertMarkdown.codeSpan(spec.owner, inTable: true)) |
            | Engine | \(engine) |
            | Requested by | \(InertMarkdown.codeSpan(request.requestedBy ?? "anonymous", inTable: true)) |

            ### What it should do

            \(spec.prompt.isEmpty ? "_No description given._" : InertMarkdown.codeBlock(spec.prompt))

            """
        if let feedback = request.feedback, !feedback.isEmpty {
            body += "\n### Reviewer feedback sent to the model\n\n\(InertMarkdown.codeBlock(feedback))\n"
        }
        body += "\n### Policy report\n\n"
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
                    let place = [finding.object, finding.path].filter { !$0.isEmpty }.map { InertMarkdown.codeSpan($0) }
                        .joined(separator: " ")
                    return "- **\(finding.severity.rawValue)** \(place) \(InertMarkdown.prose(finding.message))"
                }.joined(separator: "\n") + "\n"
        }
        body += "\n### Files\n\n" + files.map { "- \(InertMarkdown.codeSpan($0.path))" }.joined(separator: "\n") + "\n"
        return body
    }
}

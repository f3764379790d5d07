import DNSNames
import YAML

/// Names objects the model left unnamed and checks the names it gave.
///
/// An unnamed object takes the app's name, which is how people name an app's Deployment and
/// Service alike; when another object of its kind has that name already, it takes
/// `<app>-<kind>` (`web-configmap`), then `<app>-<kind>-2`...
struct Naming {
    /// `Kind/name` of the objects named so far, and of those the answer names further on.
    private var taken: Set<String>
    /// `Kind/name` of the objects already checked, to catch the same object twice.
    private var seen: Set<String> = []
    /// Nil for `homeport lint`, which names nothing: an unnamed object is an error there.
    private let appName: String?

    init(objects: [ManifestObject], appName: String?) {
        self.appName = appName
        taken = Set(objects.filter { $0.kind != nil && $0.name != nil }.map(\.reference))
    }

    mutating func name(_ object: inout ManifestObject, into findings: inout Findings) {
        // Without a kind there is no `Kind/name`; metadata that is not a mapping is a structure error.
        guard let kind = object.kind, object.node["metadata"].map({ $0.isNull || $0.mapping != nil }) ?? true else {
            return
        }
        let namePath = FieldPath(["metadata", "name"])
        if let name = object.name {
            if !DNSName.isSubdomain(name) {
                findings.error(
                    "name '\(name)' is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)",
                    in: object, at: namePath)
            } else if kind == "Service", !DNSName.isLabel(name) {
                findings.error(
                    "Service name '\(name)' is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
                    in: object, at: namePath)
            }
        } else if let appName {
            let given = object.node[path: ["metadata", "name"]]
            let name = freeName(kind: kind, appName: appName)
            object.node.editMapping("metadata", after: "kind") { $0.set("name", .text(name, at: $0.mark)) }
            if let given, !given.isNull {
                findings.error(
                    "metadata.name is a \(given.shapeName), not a name; replaced by '\(name)'", in: object, at: namePath
                )
            }
        } else {
            findings.error("metadata.name is missing: every object needs a name", in: object, at: namePath)
            return
        }
        if !seen.insert(object.reference).inserted {
            findings.error("\(object.reference) appears more than once", in: object, at: namePath)
        }
        taken.insert(object.reference)
    }

    private func freeName(kind: String, appName: String) -> String {
        let base = "\(appName)-\(kind.lowercased())"
        for name in [appName, base] where !taken.contains("\(kind)/\(name)") { return name }
        var number = 2
        while taken.contains("\(kind)/\(base)-\(number)") { number += 1 }
        return "\(base)-\(number)"
    }
}

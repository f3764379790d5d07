import DNSNames
import RequestValues
import YAML

/// Checks model (or template) output before any pull request: extraction, size caps, parsing,
/// normalization and the policy of DESIGN.md ("Policy").
public enum ManifestChecker {
    /// The report on `text`, a model's raw answer or a template's output.
    ///
    /// - Errors block the pull request; warnings go into it. A YAML error names the line of `text`.
    /// - `yaml` holds the normalized objects, one document each, written the same way for the same
    ///   input, also when errors block them (for the preview); it is nil when nothing could be
    ///   parsed, the caps were exceeded, or the objects cannot be written back as YAML.
    /// - `appName` labels every object and names the unnamed ones; it must be a DNS-1123 label.
    public static func check(_ text: String, appName: String, policy: ManifestPolicy) -> ManifestReport {
        var findings = Findings()
        if !DNSName.isLabel(appName) {
            findings.error("app name '\(appName)' is not a DNS-1123 label")
        }
        guard withinSizeCap(text, policy: policy, findings: &findings) else {
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }
        let extracted = ManifestExtractor.excerpt(of: text)
        guard
            var objects = objects(
                parsing: extracted.text, answerLine: extracted.answerLine, policy: policy, findings: &findings)
        else {
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }
        examine(&objects, mode: .normalize(appName: appName), policy: policy, findings: &findings)

        let yaml = objects.map { YAMLWriter.string($0.node) }.joined(separator: "---\n")
        let problem = rereadProblem(yaml, documents: objects.count)
        if let problem {
            findings.error(
                "the normalized YAML does not read back (\(problem)); the output holds text YAML cannot carry")
        }
        return ManifestReport(
            yaml: problem == nil ? yaml : nil,
            objects: objects.map(\.reference).filter { !$0.isEmpty },
            findings: findings.errorsFirst
        )
    }

    /// The findings of `homeport lint` on one file's `text`, errors first, each with its line.
    ///
    /// Every rule of `check` applies, on the objects as written: nothing is extracted, named or
    /// normalized, so a namespace other than `policy.namespace` (on a namespaced kind), a missing
    /// `app.kubernetes.io/name` or `app.kubernetes.io/managed-by` label, or a missing name is a
    /// finding instead of a fix. With `.restricted`, the Pod Security "restricted" items are errors.
    public static func lint(_ text: String, policy: ManifestPolicy, level: PodSecurityLevel) -> [LocatedFinding] {
        var findings = Findings()
        guard withinSizeCap(text, policy: policy, findings: &findings),
            var objects = objects(parsing: text, answerLine: { $0 }, policy: policy, findings: &findings)
        else {
            return findings.locatedErrorsFirst
        }
        examine(&objects, mode: .lint(level: level), policy: policy, findings: &findings)
        return findings.locatedErrorsFirst
    }

    /// How the checks treat what they find.
    enum Mode {
        /// The new-app flow: unnamed objects take names after the app; namespace and labels are forced.
        case normalize(appName: String)
        /// `homeport lint`: the objects as written; what the flow would fix is a finding.
        case lint(level: PodSecurityLevel)
    }

    /// False, with the finding, when `text` is over the policy's size cap (checked before any work on it).
    private static func withinSizeCap(_ text: String, policy: ManifestPolicy, findings: inout Findings) -> Bool {
        let bytes = text.utf8.count
        guard bytes <= policy.maxBytes else {
            findings.error("the output is \(bytes) bytes, more than the limit of \(policy.maxBytes)")
            return false
        }
        return true
    }

    /// The objects of `yaml`; nil, with the finding, when there is nothing to check. `answerLine`
    /// maps a line of `yaml` to the line of the text it was extracted from.
    private static func objects(
        parsing yaml: String, answerLine: (Int) -> Int, policy: ManifestPolicy, findings: inout Findings
    ) -> [ManifestObject]? {
        let limits = YAMLLimits(
            maxBytes: policy.maxBytes, maxDepth: 64,
            maxAliasExpansion: policy.maxAliasExpansion, maxDocuments: policy.maxDocuments
        )
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(yaml, limits: limits)
        } catch {
            findings.error("line \(answerLine(error.line)): \(error.reason)", line: answerLine(error.line))
            return nil
        }
        let objects = Documents.objects(from: documents, findings: &findings)
        guard objects.count <= policy.maxDocuments else {
            findings.error("the output holds \(objects.count) objects, more than the limit of \(policy.maxDocuments)")
            return nil
        }
        guard !objects.isEmpty else {
            findings.error("the output holds no Kubernetes object")
            return nil
        }
        return objects
    }

    /// Every rule, object by object: one list for the flow and for lint.
    ///
    /// Every object is named and normalized (or, for lint, inspected) before any is checked, so
    /// that a check can see the whole set (a pod may use a ServiceAccount declared beside it);
    /// findings stay object by object.
    private static func examine(
        _ objects: inout [ManifestObject], mode: Mode, policy: ManifestPolicy, findings: inout Findings
    ) {
        let appName: String? = if case .normalize(let appName) = mode { appName } else { nil }
        var naming = Naming(objects: objects, appName: appName)
        var prepared: [Findings] = []
        for index in objects.indices {
            var own = Findings()
            Structure.check(objects[index], into: &own)
            naming.name(&objects[index], into: &own)
            switch mode {
            case .normalize(let appName):
                Normalization(appName: appName, namespace: policy.namespace).normalize(&objects[index], into: &own)
                DraftRepairs.apply(to: &objects[index], into: &own)
            case .lint:
                Normalization.inspect(objects[index], namespace: policy.namespace, into: &own)
            }
            prepared.append(own)
        }
        let serviceAccounts = Set(objects.filter { $0.kind == "ServiceAccount" }.compactMap(\.name))
        for (object, var own) in zip(objects, prepared) {
            FieldSpelling.check(object, into: &own)
            KindPolicy.check(object, policy: policy, into: &own)
            APIVersions.check(object, into: &own)
            PodSecurityBaseline.check(object, into: &own)
            PodIsolation.check(object, serviceAccounts: serviceAccounts, into: &own)
            let restrictedStart = own.count
            PodSecurityRestricted.check(object, into: &own)
            if case .lint(.restricted) = mode {
                own.promoteWarnings(since: restrictedStart)
            }
            PodStructure.check(object, into: &own)
            ContainerHygiene.check(object, into: &own)
            ServiceExposure.check(object, policy: policy, into: &own)
            IngressRouting.check(object, policy: policy, into: &own)
            StorageClaims.check(object, policy: policy, into: &own)
            // Last: it skips paths an earlier check already reported.
            KubernetesSchema.check(object, into: &own)
            findings.append(own)
        }
    }

    /// Why the written YAML would not parse again, if it would not: a value with control
    /// characters, or a key that is not a scalar, cannot be written back faithfully, and a pull
    /// request must never carry YAML that does not parse.
    private static func rereadProblem(_ yaml: String, documents: Int) -> String? {
        let limits = YAMLLimits(maxBytes: Int.max, maxDepth: 64, maxAliasExpansion: 0, maxDocuments: documents)
        do {
            let reread = try YAML.parseDocuments(yaml, limits: limits)
            return reread.count == documents ? nil : "\(reread.count) documents instead of \(documents)"
        } catch {
            return error.description
        }
    }
}

/// The Pod Security Standards level `homeport lint` enforces: "baseline" items are always
/// errors; with `restricted`, the "restricted" items (warnings in the new-app flow) are too.
public enum PodSecurityLevel: String, Sendable, CaseIterable {
    case baseline, restricted
}

/// A finding and the line of the file it is about (1-based).
public struct LocatedFinding: Sendable, Equatable {
    public var finding: PolicyFinding
    public var line: Int

    public init(_ finding: PolicyFinding, line: Int) {
        self.finding = finding
        self.line = line
    }
}

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
        if !DNSNames.isLabel(appName) {
            findings.error("app name '\(appName)' is not a DNS-1123 label")
        }
        let bytes = text.utf8.count
        guard bytes <= policy.maxBytes else {
            findings.error("the output is \(bytes) bytes, more than the limit of \(policy.maxBytes)")
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }
        let extracted = ManifestExtractor.excerpt(of: text)
        let limits = YAMLLimits(
            maxBytes: policy.maxBytes, maxDepth: 64,
            maxAliasExpansion: policy.maxAliasExpansion, maxDocuments: policy.maxDocuments
        )
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(extracted.text, limits: limits)
        } catch {
            findings.error("line \(extracted.answerLine(error.line)): \(error.reason)")
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }
        var objects = Documents.objects(from: documents, findings: &findings)
        guard objects.count <= policy.maxDocuments else {
            findings.error("the output holds \(objects.count) objects, more than the limit of \(policy.maxDocuments)")
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }
        guard !objects.isEmpty else {
            findings.error("the output holds no Kubernetes object")
            return ManifestReport(yaml: nil, objects: [], findings: findings.errorsFirst)
        }

        var naming = Naming(objects: objects, appName: appName)
        let normalization = Normalization(appName: appName, namespace: policy.namespace)
        for index in objects.indices {
            Structure.check(objects[index], into: &findings)
            naming.name(&objects[index], into: &findings)
            normalization.normalize(&objects[index], into: &findings)
            KindPolicy.check(objects[index], policy: policy, into: &findings)
            APIVersions.check(objects[index], into: &findings)
            PodSecurityBaseline.check(objects[index], into: &findings)
            PodSecurityRestricted.check(objects[index], into: &findings)
            PodStructure.check(objects[index], into: &findings)
            ContainerHygiene.check(objects[index], into: &findings)
            KubernetesSchema.check(objects[index], into: &findings)
        }

        let yaml = objects.map { YAMLWriter.string($0.node) }.joined(separator: "---\n")
        let problem = rereadProblem(yaml, documents: objects.count)
        if let problem {
            findings.error("the normalized YAML does not read back (\(problem)); the output holds text YAML cannot carry")
        }
        return ManifestReport(
            yaml: problem == nil ? yaml : nil,
            objects: objects.map(\.reference).filter { !$0.isEmpty },
            findings: findings.errorsFirst
        )
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

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

        // Every object is named and normalized before any is checked, so that a check can see the
        // whole set (a pod may use a ServiceAccount declared beside it); findings stay object by object.
        var naming = Naming(objects: objects, appName: appName)
        let normalization = Normalization(appName: appName, namespace: policy.namespace)
        var prepared: [Findings] = []
        for index in objects.indices {
            var own = Findings()
            Structure.check(objects[index], into: &own)
            naming.name(&objects[index], into: &own)
            normalization.normalize(&objects[index], into: &own)
            prepared.append(own)
        }
        let serviceAccounts = Set(objects.filter { $0.kind == "ServiceAccount" }.compactMap(\.name))
        for (object, var own) in zip(objects, prepared) {
            FieldSpelling.check(object, into: &own)
            KindPolicy.check(object, policy: policy, into: &own)
            APIVersions.check(object, into: &own)
            PodSecurityBaseline.check(object, into: &own)
            PodIsolation.check(object, serviceAccounts: serviceAccounts, into: &own)
            PodSecurityRestricted.check(object, into: &own)
            PodStructure.check(object, into: &own)
            ContainerHygiene.check(object, into: &own)
            ServiceExposure.check(object, policy: policy, into: &own)
            IngressRouting.check(object, policy: policy, into: &own)
            StorageClaims.check(object, policy: policy, into: &own)
            // Last: it skips paths an earlier check already reported.
            KubernetesSchema.check(object, into: &own)
            findings.append(own)
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

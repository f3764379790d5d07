import YAML

/// The Kubernetes OpenAPI schemas of the allowed kinds, strict (an unknown field is an error), for
/// one pinned Kubernetes version: what passes here, the API server also takes. The schemas are
/// compiled in (`KubernetesSchemaData.swift`, written by `scripts/vendor-kubernetes-schemas.py`),
/// so every way of running Homeport has them without looking for a file.
enum KubernetesSchema {
    /// The Kubernetes minor version the schemas are for.
    static var kubernetesVersion: String { pinned.kubernetesVersion }

    /// Adds an error for each place `object` breaks the schema of its `apiVersion` and `kind`.
    /// Objects of other kinds are left to `KindPolicy` and `APIVersions`; a path that an earlier
    /// check already reported an error at gets no second, vaguer one.
    static func check(_ object: ManifestObject, into findings: inout Findings) {
        guard let violations = violations(of: object.node) else { return }
        let reported = Set(findings.all.filter { $0.severity == .error && $0.object == object.reference }.map(\.path))
        for violation in violations where !reported.contains(violation.path.description) {
            findings.error(violation.message, in: object, at: violation.path)
        }
    }

    /// Every place `object` breaks the schema of its `apiVersion` and `kind`; nil when there is
    /// no schema for them.
    static func violations(of object: YAMLNode) -> [SchemaViolation]? {
        guard let kind = object["kind"]?.string, let apiVersion = object["apiVersion"]?.string,
            let schema = pinned.kinds["\(apiVersion)/\(kind)"]
        else { return nil }
        return pinned.validator.violations(of: object, against: schema, owner: kind)
    }

    /// The schema of each `apiVersion/Kind`, and the definitions they refer to.
    struct Schemas: Sendable {
        let kubernetesVersion: String
        let kinds: [String: JSONSchema]
        let validator: SchemaValidator

        init(json: String) throws(SchemaFormatError) {
            let root: YAMLNode?
            do {
                root = try YAML.parse(json)
            } catch {
                throw SchemaFormatError("the schemas are not JSON: \(error)")
            }
            guard let root, let version = root["kubernetesVersion"]?.string,
                let kinds = root["kinds"]?.mapping, let definitions = root["definitions"]?.mapping
            else {
                throw SchemaFormatError("the schemas lack kubernetesVersion, kinds or definitions")
            }
            kubernetesVersion = version
            self.kinds = try Self.table(kinds)
            validator = SchemaValidator(definitions: try Self.table(definitions))
        }

        private static func table(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(SchemaFormatError) -> [String:
            JSONSchema]
        {
            var table: [String: JSONSchema] = [:]
            for (name, schema) in pairs {
                table[name.keyText] = try JSONSchema(schema)
            }
            return table
        }
    }

    /// Read once, on first use, and shared: the schemas never change while Homeport runs.
    static let pinned: Schemas = {
        do {
            return try Schemas(json: pinnedJSON)
        } catch {
            preconditionFailure(
                "the vendored Kubernetes schemas do not load (\(error)); run scripts/vendor-kubernetes-schemas.py again"
            )
        }
    }()
}

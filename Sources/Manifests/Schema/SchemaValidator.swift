import YAML

/// Where a value breaks its schema, and how.
struct SchemaViolation: Sendable, Equatable {
    let path: FieldPath
    let message: String
}

/// Checks a YAML tree against a JSON schema the way `kubernetes-validate --strict` does (JSON
/// Schema 2020-12 over the value YAML reads as), reporting every violation rather than the first.
struct SchemaValidator: Sendable {
    /// The definitions `$ref` names.
    let definitions: [String: JSONSchema]

    /// The violations of `node` against `schema`; `owner` names the type in messages ("PodSpec").
    func violations(of node: YAMLNode, against schema: JSONSchema, owner: String) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        validate(node, schema, at: .root, owner: owner, into: &found)
        return found
    }

    private func validate(
        _ node: YAMLNode, _ schema: JSONSchema, at path: FieldPath, owner: String, into found: inout [SchemaViolation]
    ) {
        if let name = schema.reference {
            guard let definition = definitions[name] else {
                return found.append(SchemaViolation(path: path, message: "the schema names no definition \(name)"))
            }
            validate(node, definition, at: path, owner: Self.shortName(name), into: &found)
        }
        let type = node.jsonType
        if let allowed = schema.types, !type.satisfies(allowed, node) {
            return found.append(
                SchemaViolation(
                    path: path,
                    message: "expected \(allowed.subtracting(.null).description), got \(type.word(for: node))"))
        }
        if let values = schema.allowedValues, !(type == .string && values.contains(node.string ?? "")) {
            let listed = values.map { "'\($0)'" }.joined(separator: ", ")
            found.append(
                SchemaViolation(
                    path: path,
                    message: "must be \(values.count == 1 ? listed : "one of \(listed)"), not \(type.word(for: node))"))
        }
        if !schema.exactlyOne.isEmpty {
            let matches = schema.exactlyOne.count { violations(of: node, against: $0, owner: owner).isEmpty }
            if matches != 1 {
                let expected = schema.exactlyOne.reduce(JSONTypes()) { $0.union($1.types ?? []) }.subtracting(.null)
                found.append(
                    SchemaViolation(
                        path: path, message: "expected \(expected.description), got \(type.word(for: node))"))
            }
        }
        switch node.value {
        case .mapping(let pairs):
            validateFields(pairs, schema, at: path, owner: owner, into: &found)
        case .sequence(let items):
            guard let itemSchema = schema.items else { return }
            for (index, item) in items.enumerated() {
                validate(item, itemSchema, at: path.index(index), owner: owner, into: &found)
            }
        case .scalar:
            break
        }
    }

    private func validateFields(
        _ pairs: [(key: YAMLNode, value: YAMLNode)], _ schema: JSONSchema, at path: FieldPath, owner: String,
        into found: inout [SchemaViolation]
    ) {
        for name in schema.required where !pairs.contains(where: { $0.key.keyText == name }) {
            found.append(SchemaViolation(path: path.key(name), message: "required field missing"))
        }
        for (key, value) in pairs {
            let name = key.keyText
            if let property = schema.properties[name] {
                validate(value, property, at: path.key(name), owner: owner, into: &found)
                continue
            }
            switch schema.additionalProperties {
            case .forbidden:
                let message =
                    Self.suggestion(for: name, among: schema.properties.keys).map {
                        "unknown field (did you mean \($0)?)"
                    }
                    ?? "unknown field (\(owner) has no such field)"
                found.append(SchemaViolation(path: path.key(name), message: message))
            case .values(let valueSchema):
                validate(value, valueSchema, at: path.key(name), owner: owner, into: &found)
            case nil:
                break
            }
        }
    }

    /// The field `name` was probably meant to be: the one that differs only in case, else one a
    /// typing mistake away (two for long names): a letter added, dropped, changed or swapped.
    static func suggestion(for name: String, among fields: some Collection<String>) -> String? {
        let lowered = name.lowercased()
        if let sameLetters = fields.filter({ $0.lowercased() == lowered }).min() { return sameLetters }
        let tolerated = name.count >= 8 ? 2 : name.count >= 4 ? 1 : 0
        return
            fields
            .map { (field: $0, distance: typingDistance(lowered, $0.lowercased())) }
            .filter { $0.distance <= tolerated }
            .min { ($0.distance, $0.field) < ($1.distance, $1.field) }?.field
    }

    /// Edits between two words: insertions, deletions, substitutions and swaps of neighbours
    /// (the optimal string alignment distance).
    private static func typingDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let substitution = table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// `io.k8s.api.core.v1.PodSpec` → `PodSpec`.
    private static func shortName(_ definition: String) -> String {
        definition.split(separator: ".").last.map(String.init) ?? definition
    }
}

/// The JSON type of a YAML value as the API server reads it.
enum JSONValueType {
    case object, array, string, integer, number, boolean, null

    /// True when a value of this type satisfies `allowed`. As in JSON Schema, an integer is a
    /// number and a number without a fraction is an integer (the API server reads `2.0` as 2).
    func satisfies(_ allowed: JSONTypes, _ node: YAMLNode) -> Bool {
        switch self {
        case .object: return allowed.contains(.object)
        case .array: return allowed.contains(.array)
        case .string: return allowed.contains(.string)
        case .boolean: return allowed.contains(.boolean)
        case .null: return allowed.contains(.null)
        case .integer: return allowed.contains(.integer) || allowed.contains(.number)
        case .number:
            return allowed.contains(.number)
                || (allowed.contains(.integer) && (node.double.map { $0.rounded() == $0 } ?? false))
        }
    }

    /// The value as a finding names it: `string "three"`, `boolean true`, `mapping`.
    func word(for node: YAMLNode) -> String {
        let text: String
        if case .scalar(let scalar, _) = node.value { text = scalar } else { text = "" }
        switch self {
        case .object: return "mapping"
        case .array: return "sequence"
        case .null: return "null"
        case .string: return "string \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .integer: return "integer \(text)"
        case .number: return "number \(text)"
        case .boolean: return "boolean \(text)"
        }
    }
}

extension YAMLNode {
    /// What the API server reads this value as. Quoted scalars are strings; plain ones follow
    /// YAML 1.1, as Kubernetes' YAML reader does: `yes` and `on` are booleans, `0x1F` and `017`
    /// integers, `1.5` a number, `~` null. Timestamps stay strings, as the API server keeps them.
    var jsonType: JSONValueType {
        switch value {
        case .mapping: return .object
        case .sequence: return .array
        case .scalar(let text, let quoted):
            if quoted { return .string }
            if isNull { return .null }
            if kubernetesBool != nil { return .boolean }
            if Self.isYAML11Integer(text) { return .integer }
            if Self.isYAML11Float(text) { return .number }
            return .string
        }
    }

    /// The text of a mapping key, whatever YAML would read it as.
    var keyText: String {
        if case .scalar(let text, _) = value { return text }
        return ""
    }

    /// `[-+]?` then decimal `0|[1-9][0-9_]*`, binary `0b[01_]+`, octal `0[0-7_]+` or hex `0x[0-9a-fA-F_]+`.
    private static func isYAML11Integer(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard let first = digits.first else { return false }
        func all(_ rest: Substring, _ allowed: (Character) -> Bool) -> Bool {
            !rest.isEmpty && rest.allSatisfy { $0 == "_" || allowed($0) }
        }
        if first != "0" {
            return first.isASCII && first.isNumber && digits.allSatisfy { $0 == "_" || ($0.isASCII && $0.isNumber) }
        }
        if digits.count == 1 { return true }
        if digits.hasPrefix("0b") { return all(digits.dropFirst(2)) { $0 == "0" || $0 == "1" } }
        if digits.hasPrefix("0x") { return all(digits.dropFirst(2)) { $0.isHexDigit } }
        return all(digits.dropFirst()) { ("0"..."7").contains($0) }
    }

    /// A number with a fraction (`1.5`, `-0.25`, `1.0e+3`, `.5`), or `.inf` / `.nan`. YAML 1.1
    /// needs the dot: `1e3` is a string there.
    private static func isYAML11Float(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        if [".inf", ".Inf", ".INF"].contains(rest) { return true }
        if [".nan", ".NaN", ".NAN"].contains(text) { return true }
        guard rest.contains("."), let first = rest.first, first == "." || first.isNumber else { return false }
        return Double(rest.filter { $0 != "_" }) != nil
    }
}

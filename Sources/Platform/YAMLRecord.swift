import YAML

/// Reads the fields of one YAML mapping for the platform's small files (inventory, services),
/// remembering what was read so that unknown keys, usually typos, can be reported.
struct YAMLRecord {
    let node: YAMLNode
    let file: String
    let context: String
    private(set) var problems: [LoadProblem] = []
    private var known: Set<String> = []

    init(_ node: YAMLNode, file: String, context: String) {
        self.node = node
        self.file = file
        self.context = context
    }

    mutating func string(_ key: String) -> String? {
        known.insert(key)
        guard let value = node[key], !value.isNull else { return nil }
        guard let text = value.string, value.mapping == nil, value.sequence == nil else {
            report(value, "\(key) must be text, found a \(value.shapeName)")
            return nil
        }
        return text
    }

    mutating func int(_ key: String) -> Int? {
        known.insert(key)
        guard let value = node[key], !value.isNull else { return nil }
        guard let number = value.int, number >= 0 else {
            report(value, "\(key) must be a whole number, found '\(value.string ?? value.shapeName)'")
            return nil
        }
        return number
    }

    mutating func number(_ key: String) -> Double? {
        known.insert(key)
        guard let value = node[key], !value.isNull else { return nil }
        // Finite and below a bound no homelab reaches: `.inf` or 1e308 would reach pages as
        // ratios that cannot become a whole percent.
        guard let number = value.double, number.isFinite, (0...1e12).contains(number) else {
            report(value, "\(key) must be a number from 0 to 10^12, found '\(value.string ?? value.shapeName)'")
            return nil
        }
        return number
    }

    mutating func strings(_ key: String) -> [String] {
        known.insert(key)
        guard let value = node[key], !value.isNull else { return [] }
        guard let items = value.sequence else {
            if let single = value.string { return [single] }
            report(value, "\(key) must be a list, found a \(value.shapeName)")
            return []
        }
        return items.compactMap { item in
            if item.string == nil { report(item, "\(key) must hold text, found a \(item.shapeName)") }
            return item.string
        }
    }

    /// Marks a key as read by a caller that parses its value itself.
    mutating func skip(_ key: String) {
        known.insert(key)
    }

    mutating func report(_ node: YAMLNode, _ reason: String) {
        problems.append(LoadProblem(file: file, line: node.mark.line, reason: "\(context): \(reason)"))
    }

    /// Problems so far, plus one for each key that no reader asked for.
    mutating func finish(ignoring extra: Set<String> = []) -> [LoadProblem] {
        for (key, _) in node.mapping ?? [] {
            guard let name = key.string, !known.contains(name), !extra.contains(name) else { continue }
            report(key, "unknown key '\(name)'")
        }
        return problems
    }
}

/// Reading the platform's small single-document YAML files.
enum PlatformYAML {
    /// The single mapping of a small platform file; nil (with a problem) when unreadable or refused.
    /// A missing file is not a problem: the repository simply does not describe that part.
    static func readDocument(
        file: String, files: PlatformFiles, topLevelKeys: Set<String>, problems: inout [LoadProblem]
    ) -> YAMLNode? {
        guard let bytes = files.read(file, problems: &problems) else { return nil }
        do {
            let documents = try YAML.parseDocuments(bytes: bytes)
            guard let document = documents.first else { return nil }
            guard document.mapping != nil else {
                problems.append(
                    LoadProblem(
                        file: file, line: document.mark.line,
                        reason: "expected a mapping at the top, found a \(document.shapeName)"))
                return nil
            }
            for (key, _) in document.mapping! where !topLevelKeys.contains(key.string ?? "") {
                problems.append(
                    LoadProblem(file: file, line: key.mark.line, reason: "unknown key '\(key.string ?? key.shapeName)'")
                )
            }
            return document
        } catch {
            problems.append(LoadProblem(file: file, line: error.line, column: error.column, reason: error.reason))
            return nil
        }
    }

    /// The mappings of a top-level list; other shapes are reported and skipped.
    static func list(_ document: YAMLNode, _ key: String, file: String, problems: inout [LoadProblem]) -> [YAMLNode] {
        guard let value = document[key], !value.isNull else { return [] }
        guard let items = value.sequence else {
            problems.append(
                LoadProblem(
                    file: file, line: value.mark.line, reason: "\(key) must be a list, found a \(value.shapeName)"))
            return []
        }
        return items.filter { item in
            if item.mapping != nil { return true }
            problems.append(
                LoadProblem(
                    file: file, line: item.mark.line,
                    reason: "each entry of \(key) must be a mapping, found a \(item.shapeName)"))
            return false
        }
    }
}

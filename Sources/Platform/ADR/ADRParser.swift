import Foundation
import YAML

/// What a record's text says about itself, before the other records are known.
struct ADRHeader {
    var title: String
    var status: String?
    var date: String?
    var deciders: String?
    /// Link targets or numbers written after "Supersedes" / "Superseded by".
    var supersedes: [String]
    var supersededBy: [String]
    /// The Markdown to render: front matter and the title heading removed.
    var body: String
}

/// Reads the two common ADR styles:
/// - MADR with YAML front matter (`status:`, `date:`, `deciders:`), or MADR 2 bullets (`* Status: accepted`);
/// - Nygard: `# 3. Title`, a `Date:` line and a `## Status` section.
enum ADRParser {
    struct Failure: Error {
        var line: Int?
        var reason: String
    }

    static func parse(_ text: String) throws(Failure) -> ADRHeader {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var front: YAMLNode?
        var lineOffset = 0
        if lines.first?.trimmingEnds() == "---" {
            guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingEnds() == "---" })
            else {
                throw Failure(line: 1, reason: "front matter starts with '---' but never ends")
            }
            let yaml = lines[1..<end].joined(separator: "\n")
            do {
                front = try YAML.parse(yaml)
            } catch {
                throw Failure(line: error.line + 1, reason: "front matter: \(error.reason)")
            }
            if let front, front.mapping == nil, !front.isNull {
                throw Failure(line: 2, reason: "front matter must be a mapping, found a \(front.shapeName)")
            }
            lines.removeSubrange(0...end)
            lineOffset = end + 1
        }

        guard let titleIndex = lines.firstIndex(where: { $0.hasPrefix("# ") }) else {
            throw Failure(line: lineOffset + 1, reason: "no title: an ADR needs a '# ' heading")
        }
        let title = stripNumbering(String(lines[titleIndex].dropFirst(2)).trimmingEnds())
        let bodyLines = Array(lines[..<titleIndex] + lines[(titleIndex + 1)...])

        let statusText = scalar(front, "status") ?? statusSection(bodyLines) ?? field("Status", in: bodyLines)
        var supersedes = references(after: "supersedes", in: bodyLines)
        var supersededBy = references(after: "superseded by", in: bodyLines)
        if let statusText, statusText.lowercased().hasPrefix("superseded by") {
            supersededBy += references(after: "superseded by", in: [statusText])
        }
        if let listed = front?["supersedes"] { supersedes += listValues(listed) }
        if let listed = front?["superseded-by"] ?? front?["superseded_by"] { supersededBy += listValues(listed) }

        return ADRHeader(
            title: title,
            status: statusText,
            date: scalar(front, "date") ?? field("Date", in: bodyLines),
            deciders: scalar(front, "deciders") ?? field("Deciders", in: bodyLines),
            supersedes: unique(supersedes),
            supersededBy: unique(supersededBy),
            body: bodyLines.joined(separator: "\n")
        )
    }

    /// "3. Use k3s" → "Use k3s"; "ADR-0003: Use k3s" → "Use k3s".
    static func stripNumbering(_ title: String) -> String {
        var rest = Substring(title)
        if rest.lowercased().hasPrefix("adr") { rest = rest.dropFirst(3).drop { $0 == "-" || $0 == " " } }
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty else { return title }
        let after = rest.dropFirst(digits.count)
        guard let separator = after.first, ".:-) ".contains(separator) else { return title }
        let stripped = after.drop { ".:-) ".contains($0) }.trimmingEnds()
        return stripped.isEmpty ? title : stripped
    }

    private static func scalar(_ front: YAMLNode?, _ key: String) -> String? {
        guard let value = front?[key]?.string?.trimmingEnds(), !value.isEmpty else { return nil }
        return value
    }

    private static func listValues(_ node: YAMLNode) -> [String] {
        (node.sequence ?? [node]).compactMap(\.string).flatMap { references(after: "", in: [$0]) }
    }

    /// The first non-empty line under a `## Status` heading (Nygard).
    private static func statusSection(_ lines: [String]) -> String? {
        guard
            let heading = lines.firstIndex(where: {
                $0.range(of: #"^#{2,3}\s+Status\s*$"#, options: [.regularExpression, .caseInsensitive]) != nil
            })
        else { return nil }
        for line in lines[(heading + 1)...] {
            let trimmed = line.trimmingEnds()
            if trimmed.hasPrefix("#") { return nil }
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    /// `Date: 2024-03-05`, `* Status: accepted`, `- Deciders: ...` (Nygard and MADR 2 lines).
    private static func field(_ name: String, in lines: [String]) -> String? {
        for line in lines {
            var trimmed = Substring(line.trimmingEnds())
            if trimmed.hasPrefix("* ") || trimmed.hasPrefix("- ") { trimmed = trimmed.dropFirst(2) }
            trimmed = trimmed.drop { $0 == "*" || $0 == "_" }
            guard trimmed.lowercased().hasPrefix(name.lowercased()) else { continue }
            let rest = trimmed.dropFirst(name.count).drop { $0 == "*" || $0 == "_" }
            guard rest.first == ":" else { continue }
            let value = rest.dropFirst().trimmingEnds { " *_".contains($0) }
            if !value.isEmpty { return value }
        }
        return nil
    }

    /// Markdown link targets, or ADR numbers, on lines that start (after list markers) with `phrase`.
    private static func references(after phrase: String, in lines: [String]) -> [String] {
        var found: [String] = []
        for line in lines {
            let trimmed = line.trimmingEnds { " *-_>".contains($0) }
            guard phrase.isEmpty || trimmed.lowercased().hasPrefix(phrase) else { continue }
            // "Supersedes" must not match "Superseded by".
            if phrase == "supersedes", trimmed.lowercased().hasPrefix("superseded") { continue }
            let linkTargets = matches(of: #"\]\(([^)\s]+)\)"#, in: trimmed)
            if !linkTargets.isEmpty {
                found += linkTargets
            } else {
                found += matches(of: #"(?i)(?:ADR[- ]?)?(\d+)"#, in: String(trimmed.dropFirst(phrase.count)))
            }
        }
        return found
    }

    private static func matches(of pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

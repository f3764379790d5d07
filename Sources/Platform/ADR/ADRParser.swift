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
                isStatusHeading($0)
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
            let targets = linkTargets(in: trimmed)
            found += targets.isEmpty ? numbers(in: String(trimmed.dropFirst(phrase.count))) : targets
        }
        return found
    }

    // The scanners below read ADR lines by Unicode scalar, as the ICU regular expressions they
    // replace did; those were compiled again for every line they ran on, at every load.

    /// `## Status` or `### Status`, any case, spaces around: what `^#{2,3}\s+Status\s*$` matched.
    static func isStatusHeading(_ line: String) -> Bool {
        // Most lines are not headings: they are turned away before their scalars are copied.
        guard line.utf8.starts(with: "##".utf8) else { return false }
        let scalars = Array(line.unicodeScalars)
        let hashes = scalars.prefix { $0 == "#" }.count
        guard (2...3).contains(hashes), hashes < scalars.count, isSpace(scalars[hashes]) else { return false }
        guard let first = scalars[hashes...].firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return false }
        return String(String.UnicodeScalarView(scalars[first...last])).lowercased() == "status"
    }

    /// The targets of Markdown links, `](target)` with no space or `)` in the target: what
    /// `\]\(([^)\s]+)\)` captured.
    static func linkTargets(in text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var targets: [String] = []
        var index = 0
        while index + 1 < scalars.count {
            guard scalars[index] == "]", scalars[index + 1] == "(" else {
                index += 1
                continue
            }
            let start = index + 2
            let end = scalars[start...].firstIndex { $0 == ")" || isSpace($0) } ?? scalars.count
            guard end > start, end < scalars.count, scalars[end] == ")" else {
                index += 1
                continue
            }
            targets.append(String(String.UnicodeScalarView(scalars[start..<end])))
            index = end + 1
        }
        return targets
    }

    /// Each run of decimal digits ("ADR-7, 12" gives 7 and 12): what `(?:ADR[- ]?)?(\d+)` captured.
    static func numbers(in text: String) -> [String] {
        var numbers: [String] = []
        var run = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .decimalNumber {
                run.append(scalar)
            } else if !run.isEmpty {
                numbers.append(String(run))
                run = String.UnicodeScalarView()
            }
        }
        if !run.isEmpty { numbers.append(String(run)) }
        return numbers
    }

    /// `\s` of ICU's regular expressions: tab, line feed, form feed, carriage return and Unicode's spaces.
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
        default: return "\t\n\u{0C}\r".unicodeScalars.contains(scalar)
        }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

import Foundation
import Manifests
import Markdown
import Testing
import YAML

/// YAML pieces that stress libyaml and the wrapper's limits.
private let yamlDictionary = [
    "&a ", "*a", "<<: *a", "!!binary ", "!!python/object ", "? ", "--- ", "...\n", "%YAML 1.1\n", "key: value\n",
    "- item\n",
    "{a: [b, {c: d}]}", "\"\\u0000\"", "'it''s'", "|\n  block\n", ">-\n  folded\n", "\u{FEFF}", "\u{202E}", "\r\n",
    "\0", "#", "~",
    String(repeating: "[", count: 80), "<script>alert(1)</script>", "\u{1F600}", "\u{FFFD}",
]

@Suite("Fuzzing (seeded, FUZZ_ITERATIONS inputs per target)")
struct FuzzTests {
    @Test("YAML: damaged documents parse or fail with a line, never crash, never exceed the limits")
    func yamlParser() {
        let seeds =
            Seeds.texts(in: "model-output", suffix: ".txt")
            + Seeds.texts(in: "platforms/hostile/catalog", suffix: ".yaml")
            + ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n"]
        Fuzzing.run("yaml") { random, iteration in
            let bytes = random.mutate(random.pick(seeds), dictionary: yamlDictionary)
            do throws(YAMLError) {
                let documents = try YAML.parseDocuments(bytes: bytes)
                #expect(documents.count <= YAMLLimits.default.maxDocuments, "\(Fuzzing.replay(iteration))")
            } catch {
                #expect(error.line >= 1 && !error.reason.isEmpty, "\(Fuzzing.replay(iteration)): \(error)")
            }
        }
    }

    @Test("YAML: any tree the writer writes parses back to the same values")
    func yamlRoundTrip() throws {
        try Fuzzing.run("yaml-round-trip") { random, iteration in
            // A document is a collection; a bare null root reads back as no document at all.
            var node = Self.randomNode(&random, depth: 0)
            if case .scalar = node.value { node = YAMLNode(.sequence([node]), mark: node.mark) }
            let written = YAMLWriter.string(node)
            let reparsed = try YAML.parse(written)
            #expect(
                reparsed.map(Self.strip) == Self.strip(node),
                "\(Fuzzing.replay(iteration)): writer produced\n\(written)")
        }
    }

    @Test("model output: damaged answers never crash extraction or the policy check, and what passes parses")
    func extractionOfDamagedAnswers() {
        let seeds = Seeds.texts(in: "model-output", suffix: ".txt")
        let dictionary =
            yamlDictionary + [
                "```yaml\n", "```\n", "~~~\n", "Here is the manifest:\n", "{\"yaml\": \"", "\"}", "---\n", "```json\n[",
                "]\n```",
            ]
        Fuzzing.run("extraction") { random, iteration in
            let output = String(decoding: random.mutate(random.pick(seeds), dictionary: dictionary), as: UTF8.self)
            _ = ManifestExtractor.extract(output)
            let report = ManifestChecker.check(output, appName: "fuzz", policy: ManifestPolicy())
            if report.passed {
                #expect(
                    report.yaml.map { (try? YAML.parseDocuments($0)) != nil } == true,
                    "\(Fuzzing.replay(iteration)): passed but does not parse")
            } else {
                #expect(!report.findings.isEmpty, "\(Fuzzing.replay(iteration)): failed without a finding")
            }
        }
    }

    @Test("model output: a manifest in one fenced block, between any prose, comes out exactly")
    func extractionOfFencedManifest() throws {
        let sentences = [
            "Here is the manifest you asked for.", "Sure!", "This Deployment runs nginx.",
            "Apply it with kubectl apply -f.",
            "Note: adjust the image tag.", "- it has probes", "1. save it", "It listens on port 80: good.", "",
        ]
        try Fuzzing.run("fenced") { random, iteration in
            func node(_ value: YAMLNode.Value) -> YAMLNode { YAMLNode(value, mark: YAMLMark(line: 1, column: 1)) }
            func text(_ value: String) -> YAMLNode { node(.scalar(value, quoted: false)) }
            let manifest = YAMLWriter.string(
                node(
                    .mapping([
                        (text("apiVersion"), text("v1")), (text("kind"), text("ConfigMap")),
                        (text("metadata"), node(.mapping([(text("name"), text("fuzz"))]))),
                        (
                            text("data"),
                            node(.mapping([(text("value"), node(.scalar(Self.randomScalar(&random), quoted: true)))]))
                        ),
                    ])))
            let before = (0..<Int.random(in: 0...3, using: &random)).map { _ in random.pick(sentences) }.joined(
                separator: "\n")
            let after = (0..<Int.random(in: 0...3, using: &random)).map { _ in random.pick(sentences) }.joined(
                separator: "\n")
            let fence = random.pick(["```yaml", "```yml", "```", "~~~yaml"])
            let answer = before + "\n\n" + fence + "\n" + manifest + fence.prefix(3) + "\n\n" + after
            let extracted = ManifestExtractor.extract(answer)
            let expected = try YAML.parseDocuments(manifest).map(Self.strip)
            #expect(
                (try? YAML.parseDocuments(extracted))?.map(Self.strip) == expected,
                "\(Fuzzing.replay(iteration)):\n\(answer)\n→\n\(extracted)")
        }
    }

    @Test("Markdown: whatever the input, the HTML has no raw markup, event handlers or script URLs")
    func markdown() {
        let seeds =
            Seeds.texts(in: "platforms/hostile/docs/adr", suffix: ".md") + [
                "# Title\n\nSome *text* with a [link](https://a.example) and `code`.\n"
            ]
        let dictionary = [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "![i](data:image/svg+xml,<svg onload=alert(1)>)", "[x](  javascript:alert(1)  )",
            "<a href=\"javascript:x\">a</a>",
            "[x](java\nscript:alert(1))", "[x]: javascript:alert(1)\n[y][x]", "<div onclick=\"x\">",
            "| a | b |\n|---|---|\n| <b onmouseover=x> | c |\n",
            "```\n<script>\n```\n", "<!-- x -->", "&lt;script&gt;", "[x](vbscript:msgbox)", "<https://a.example>",
            "\u{0}", "\\<script>",
        ]
        Fuzzing.run("markdown") { random, iteration in
            let input = String(decoding: random.mutate(random.pick(seeds), dictionary: dictionary), as: UTF8.self)
            let html = Markdown.renderHTML(input)
            let lowered = html.lowercased()
            for forbidden in [
                "<script", "<img src=x", "<div onclick", "<b onmouseover", "<a href=\"javascript:x\"", "<svg",
            ] {
                #expect(!lowered.contains(forbidden), "\(Fuzzing.replay(iteration)): \(forbidden) in \(html)")
            }
            for match in lowered.matches(of: /(href|src)="([^"]*)"/) {
                let url = String(match.output.2)
                #expect(
                    !url.hasPrefix("javascript:") && !url.hasPrefix("data:") && !url.hasPrefix("vbscript:"),
                    "\(Fuzzing.replay(iteration)): \(url)")
            }
        }
    }

    // MARK: - Trees

    static func randomNode(_ random: inout SplitMix64, depth: Int) -> YAMLNode {
        let mark = YAMLMark(line: 1, column: 1)
        if depth >= 4 || random.chance(45) {
            return YAMLNode(.scalar(randomScalar(&random), quoted: random.chance(30)), mark: mark)
        }
        if random.chance(50) {
            return YAMLNode(
                .sequence(
                    (0..<Int.random(in: 0...4, using: &random)).map { _ in randomNode(&random, depth: depth + 1) }),
                mark: mark)
        }
        var keys = Set<String>()
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let key = randomScalar(&random)
            guard !key.isEmpty, keys.insert(key).inserted else { continue }
            pairs.append((YAMLNode(.scalar(key, quoted: true), mark: mark), randomNode(&random, depth: depth + 1)))
        }
        return YAMLNode(.mapping(pairs), mark: mark)
    }

    /// Text that YAML treats specially: indicators, numbers, booleans, nulls, quotes, line breaks.
    static func randomScalar(_ random: inout SplitMix64) -> String {
        let pieces = [
            "a", "key", "- x", ": ", "#", "'", "\"", "\\", "\n", "  ", "true", "null", "~", "0x1F", "1e3", "-", "?",
            "&x", "*x",
            "!", "|", ">", "%", "@", "`", "{", "}", "[", "]", ",", "é", "\u{1F600}", "<script>", "\t", "yes", "Y", "=",
            "...",
            "\u{2028}", "---",
        ]
        return (0..<Int.random(in: 0...5, using: &random)).map { _ in random.pick(pieces) }.joined()
    }

    /// Values, not places or quoting style (nulls and empty strings compared by what they read as).
    static func strip(_ node: YAMLNode) -> String {
        switch node.value {
        case .scalar: return node.isNull ? "~" : "'\(node.string ?? "")'"
        case .sequence(let items): return "[" + items.map(strip).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { strip($0.key) + ":" + strip($0.value) }.joined(separator: ",") + "}"
        }
    }
}

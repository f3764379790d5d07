import Testing
import YAML

@testable import Manifests

@Suite("Caps and hostile output")
struct CapsTests {
    private static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"

    @Test("output over the byte cap is refused before parsing")
    func bytes() {
        let report = check(
            Self.configMap + "data: {k: \"\(String(repeating: "x", count: 2_000))\"}\n",
            policy: ManifestPolicy(maxBytes: 1_000))
        #expect(report.yaml == nil)
        #expect(report.errors.first?.message.hasPrefix("the output is 2") == true)
        #expect(report.errors.first?.message.hasSuffix("bytes, more than the limit of 1000") == true)
    }

    @Test("more documents than the cap are refused")
    func documents() {
        let text = (1...21).map { "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\($0)}\n" }.joined(
            separator: "---\n")
        let report = check(text)
        #expect(report.yaml == nil)
        #expect(report.errors.map(\.message) == ["line 83: more than 20 documents"])
    }

    @Test("more objects than the cap are refused, however they are packed")
    func objectsInAList() {
        let items = (1...25).map { "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c\($0)}}" }.joined(
            separator: "\n")
        let report = check("apiVersion: v1\nkind: List\nitems:\n\(items)\n")
        #expect(report.yaml == nil)
        #expect(report.errors.map(\.message) == ["the output holds 25 objects, more than the limit of 20"])
    }

    @Test("a billion-laughs answer fails fast")
    func billionLaughs() {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: lol}
            data:
              a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
              b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
              c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
              d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
              e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
              f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            """
        let report = check(text)
        #expect(report.yaml == nil)
        #expect(
            report.errors.first?.message.contains("aliases expand to more than 1000 nodes") == true, "\(report.errors)")
    }

    @Test(
        "deep nesting fails with the limit, in YAML and in JSON",
        arguments: [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: " + String(repeating: "[", count: 100)
                + String(repeating: "]", count: 100) + "\n",
            String(repeating: "[", count: 50_000),
            String(repeating: "{\"a\": ", count: 20_000),
        ])
    func depth(_ text: String) {
        let report = check(text)
        #expect(report.yaml == nil)
        #expect(report.errors.first?.message.contains("nesting deeper than 64 levels") == true, "\(report.errors)")
    }

    @Test(
        "broken YAML is an error that names the line of the answer",
        arguments: [
            ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bad: value: here\n", 5),
            (
                "Here is the manifest:\n\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bad: value: here\n```\nDone.",
                8
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n name: a\n  labels: x\n",
                8
            ),
            ("First:\n```yaml\nkind: A\n```\nThen:\n```yaml\nkind: B\nmetadata: {name: b}}\n```\n", 8),
            ("{\"answer\": \"here\",\n \"yaml\": \"kind: ConfigMap\\nmetadata:\\n  name: a\\n bad: [\"}\n", 2),
        ])
    func brokenYAML(text: String, line: Int) {
        let report = check(text)
        #expect(report.yaml == nil)
        #expect(report.objects.isEmpty)
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.message.hasPrefix("line \(line): ") == true, "\(report.errors)")
    }

    @Test("the exact message for a value where a mapping went on")
    func mappingValuesMessage() {
        let report = check("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bad: value: here\n")
        #expect(report.errors.first?.message == "line 5: mapping values are not allowed in this context")
    }

    @Test("a duplicate key is an error, not a silent overwrite")
    func duplicateKey() {
        let report = check(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n")
        #expect(
            report.errors.first?.message.hasPrefix("line 6: duplicate key 'hostNetwork'") == true, "\(report.errors)")
    }

    @Test(
        "odd characters never crash the check, and what passes reads back",
        arguments: [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"\u{0}\"}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"\\u0007 bell\"}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"\\ud800\"}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"\u{FFFE}\u{FEFF}\u{202E}txt\"}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {emoji: \"🚀👩‍👩‍👧\", combining: \"e\u{301}\"}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  script: |\n    #!/bin/sh\n    echo \"tab\there\"\n\n    exit 0\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n\t k: v\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n? [complex, key]\n: value\n",
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}, \"data\": {\"k\": \"\\u0000\\u001b[31m\"}}",
            String(decoding: [0x61, 0x70, 0x69, 0xFF, 0xFE, 0x3A, 0x20, 0xC3, 0x28, 0x0A], as: UTF8.self),
            "```yaml\n" + String(repeating: "`", count: 10_000),
            String(repeating: "---\n", count: 5_000),
            String(repeating: "\"", count: 10_001),
            "[" + String(repeating: "]", count: 10_000),
        ])
    func oddCharacters(_ text: String) throws {
        let report = check(text)
        #expect(report.passed || !report.errors.isEmpty, "a report that does not pass says why")
        if let yaml = report.yaml {
            #expect(try YAML.parseDocuments(yaml).count == report.objects.count)
        }
    }

    @Test("a huge scalar under the byte cap goes through and reads back")
    func hugeScalar() throws {
        let value = String(repeating: "0123456789abcdef", count: 7_000)
        let report = check(
            Self.configMap + "data:\n  blob: \(value)\n  text: \"\(value) with \\\"quotes\\\" and\\nlines\"\n")
        #expect(report.passed, "\(report.errors)")
        let object = try #require(try report.documents().first)
        #expect(object[path: ["data", "blob"]]?.string == value)
        #expect(object[path: ["data", "text"]]?.string == value + " with \"quotes\" and\nlines")
    }

    @Test("control characters and YAML's other line breaks are written back escaped, never as a broken pull request")
    func escapedOnWrite() throws {
        let report = check(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: \"\\u0007 bell\", l: \"a\\u2028b\"}\n")
        #expect(report.passed, "\(report.errors)")
        #expect(report.yaml?.contains(#"k: "\u0007 bell""#) == true, "\(report.yaml ?? "")")
        let object = try #require(try report.documents().first)
        #expect(object[path: ["data", "k"]]?.string == "\u{7} bell")
        #expect(object[path: ["data", "l"]]?.string == "a\u{2028}b")
    }
}

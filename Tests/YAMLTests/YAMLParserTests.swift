import Testing

@testable import YAML

@Suite("YAML parser")
struct YAMLParserTests {
    @Test("mappings, sequences and scalars keep their order and their place")
    func structureAndMarks() throws {
        let node = try #require(
            try YAML.parse(
                """
                name: grafana
                ports:
                  - 80
                  - "443"
                enabled: true
                """))
        #expect(node.mapping?.map { $0.key.string } == ["name", "ports", "enabled"])
        #expect(node["name"]?.string == "grafana")
        #expect(node["ports"]?.sequence?.map(\.string) == ["80", "443"])
        #expect(node["ports"]?.sequence?[0].int == 80)
        #expect(node["ports"]?.sequence?[1].int == nil, "a quoted number stays a string")
        #expect(node["enabled"]?.bool == true)
        #expect(node["ports"]?.sequence?[1].mark == YAMLMark(line: 4, column: 5))
    }

    @Test("null forms", arguments: ["key:", "key: ~", "key: null", "key: NULL"])
    func nulls(_ text: String) throws {
        let node = try #require(try YAML.parse(text))
        #expect(node["key"]?.isNull == true)
        #expect(node["key"]?.string == nil)
    }

    @Test("a quoted null word is a string")
    func quotedNull() throws {
        let node = try #require(try YAML.parse("key: 'null'"))
        #expect(node["key"]?.string == "null")
    }

    @Test("every document of a stream, skipping empty ones")
    func documents() throws {
        let documents = try YAML.parseDocuments(
            """
            ---
            a: 1
            ---
            ---
            b: 2
            """)
        #expect(documents.count == 2)
        #expect(documents[1]["b"]?.int == 2)
        #expect(documents[1].mark.line == 5)
    }

    @Test("anchors and aliases are expanded")
    func aliases() throws {
        let node = try #require(
            try YAML.parse(
                """
                base: &base {cpu: 1, memory: 2}
                copy: *base
                """))
        #expect(node["copy"] == node["base"])
    }

    @Test("a billion-laughs document fails fast with the reason")
    func billionLaughs() {
        let text = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            """
        #expect {
            try YAML.parse(text)
        } throws: { error in
            let error = error as! YAMLError
            return error.reason.contains("aliases expand to more than") && error.line >= 4
        }
    }

    @Test("nesting deeper than the limit is refused")
    func depth() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: YAMLError.self) { try YAML.parse(text, limits: YAMLLimits(maxDepth: 64)) }
        #expect(throws: Never.self) { try YAML.parse(text, limits: YAMLLimits(maxDepth: 128)) }
    }

    @Test("inputs over the byte limit and streams over the document limit are refused")
    func sizeLimits() {
        #expect(throws: YAMLError.self) {
            try YAML.parse(String(repeating: "a", count: 101), limits: YAMLLimits(maxBytes: 100))
        }
        let stream = (1...5).map { "---\nn: \($0)" }.joined(separator: "\n")
        #expect(throws: YAMLError.self) { try YAML.parseDocuments(stream, limits: YAMLLimits(maxDocuments: 4)) }
    }

    @Test("duplicate keys name both lines")
    func duplicateKeys() {
        #expect(throws: YAMLError(line: 3, column: 1, reason: "duplicate key 'name' (first at line 1)")) {
            try YAML.parse("name: a\nother: b\nname: c")
        }
    }

    @Test("a duplicate key is found in a large mapping too, wherever its first use is")
    func duplicateKeysInLargeMapping() throws {
        let keys = (1...40).map { "key\($0): \($0)" }
        // Repeats of a key from the first lines and of one past them, each after all 40 keys.
        for (repeated, firstLine) in [("key3", 3), ("key30", 30)] {
            #expect(
                throws: YAMLError(
                    line: 41, column: 1, reason: "duplicate key '\(repeated)' (first at line \(firstLine))")
            ) {
                try YAML.parse((keys + ["\(repeated): again"]).joined(separator: "\n"))
            }
        }
        #expect(try YAML.parse(keys.joined(separator: "\n"))?.mapping?.count == 40)
    }

    @Test("files parsed through one interner read exactly as they do alone, repeated values included")
    func internedParsesReadTheSame() throws {
        let files = [
            "apiVersion: backstage.io/v1alpha1\nname: payments-service-0001\nowner: team-payments-platform\n",
            "apiVersion: backstage.io/v1alpha1\nname: payments-service-0002\nowner: team-payments-platform\n"
                + "note: \(String(repeating: "long text ", count: 10))\nflag: true\ncount: 12\n",
            "apiVersion: \"backstage.io/v1alpha1\"\nowner: 'team-payments-platform'\nflag: 'true'\n",
        ]
        let interner = YAMLInterner()
        for file in files {
            let alone = try YAML.parseDocuments(bytes: Array(file.utf8))
            let interned = try YAML.parseDocuments(bytes: Array(file.utf8), interner: interner)
            #expect(interned == alone)
        }
        let third = try YAML.parseDocuments(bytes: Array(files[2].utf8), interner: interner)[0]
        #expect(third["flag"]?.string == "true")
        #expect(third["owner"]?.string == "team-payments-platform")
    }

    @Test("an interner keeps every value apart as the files wrote it: hundreds of them, and two spellings of é")
    func internerKeepsValuesApart() throws {
        let interner = YAMLInterner()
        let names = (0..<600).map { "payments-service-\($0)-of-the-platform" }
        for name in names {
            let document = try YAML.parseDocuments(bytes: Array("name: \(name)\n".utf8), interner: interner)
            #expect(document.first?["name"]?.string == name)
        }
        // Equal as Swift strings, different bytes: each title keeps the bytes of its own file.
        let precomposed = "Caf\u{E9} of the payments team"
        let decomposed = "Cafe\u{301} of the payments team"
        for title in [precomposed, decomposed] {
            let document = try YAML.parseDocuments(bytes: Array("title: \(title)\n".utf8), interner: interner)
            #expect(document.first?["title"]?.string.map { Array($0.utf8) } == Array(title.utf8))
        }
    }

    @Test("syntax errors carry line, column and libyaml's reason")
    func syntaxError() {
        #expect {
            try YAML.parse("a: [1, 2\nb: 3")
        } throws: { error in
            let error = error as! YAMLError
            return error.line == 2 && error.reason.contains("flow sequence")
        }
    }

    @Test("invalid UTF-8 is an error, not mojibake")
    func invalidUTF8() {
        #expect(throws: YAMLError.self) { try YAML.parseDocuments(bytes: Array("name: ".utf8) + [0xC3, 0x28]) }
    }

    @Test("an alias to an unknown anchor is an error")
    func unknownAlias() {
        #expect(throws: YAMLError.self) { try YAML.parse("a: *nowhere") }
    }
}

@Suite("YAML writer")
struct YAMLWriterTests {
    @Test(
        "core-schema tags are resolved: the value means what its tag says, and is written back that way",
        arguments: [
            ("!!bool true", YAMLNode.Value.scalar("true", quoted: false), "true"),
            ("!!bool FALSE", .scalar("false", quoted: false), "false"),
            ("!!int 0x1F", .scalar("31", quoted: false), "31"),
            ("!!int -12", .scalar("-12", quoted: false), "-12"),
            ("!!float 2", .scalar("2.0", quoted: false), "2.0"),
            ("!!float 1.5e3", .scalar("1.5e3", quoted: false), "1.5e3"),
            ("!!null ''", .scalar("null", quoted: false), "null"),
            ("!!str true", .scalar("true", quoted: true), "\"true\""),
            ("!!str 8080", .scalar("8080", quoted: true), "\"8080\""),
            ("! 42", .scalar("42", quoted: true), "\"42\""),
        ])
    func coreTags(_ value: String, _ expected: YAMLNode.Value, _ written: String) throws {
        let node = try #require(try YAML.parse("key: \(value)"))
        #expect(node["key"]?.value == expected)
        #expect(YAMLWriter.string(node) == "key: \(written)\n")
    }

    @Test("collections may carry their own core tag")
    func collectionTags() throws {
        let node = try #require(try YAML.parse("key: !!map {a: !!seq [b]}"))
        #expect(node["key"]?["a"]?.sequence?.first?.string == "b")
    }

    @Test(
        "other tags, and values their core tag does not allow, are errors with the place",
        arguments: [
            ("!!binary dHJ1ZQ==", "tag !!binary is not supported"),
            ("!!timestamp 2026-12-03", "tag !!timestamp is not supported"),
            ("!custom yes", "tag !custom is not supported"),
            ("!!set {a: null}", "tag !!set is not supported"),
            ("!!omap [{a: 1}]", "tag !!omap is not supported"),
            ("!!bool yes", "!!bool 'yes' is not a boolean (true or false)"),
            ("!!int 010", "!!int '010' is not an integer"),
            ("!!int 1.5", "!!int '1.5' is not an integer"),
            ("!!float abc", "!!float 'abc' is not a number"),
            ("!!null nothing", "!!null 'nothing' is not null"),
        ])
    func unsupportedTags(_ value: String, _ reason: String) {
        #expect {
            try YAML.parse("a: 1\nkey: \(value)")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.line == 2 && error.reason.hasPrefix(reason)
        }
    }

    @Test(
        "written YAML parses back to the same value",
        arguments: [
            "a: 1\nb: [x, y]\nc: {d: e}",
            "list:\n  - name: one\n    ports: [80, 443]\n  - name: two",
            "text: \"has: colon\"\nquoted: '123'\nempty: []\nnone: {}\nnull:",
            "script: |\n  line one\n  line two\nnested:\n  deeper:\n    block: |\n      a\n      b",
            "odd: \"-leading dash\"\nhash: \"a #comment\"\nquote: 'say \"hi\"'",
        ])
    func roundTrip(_ text: String) throws {
        let node = try #require(try YAML.parse(text))
        let written = YAMLWriter.string(node)
        let reparsed = try #require(try YAML.parse(written), "writer produced: \(written)")
        #expect(Self.strip(reparsed) == Self.strip(node), "writer produced:\n\(written)")
    }

    /// Compares values, not places or quoting style.
    static func strip(_ node: YAMLNode) -> String {
        switch node.value {
        case .scalar: return node.isNull ? "~" : "'\(node.string ?? "")'"
        case .sequence(let items): return "[" + items.map(strip).joined(separator: ",") + "]"
        case .mapping(let pairs):
            return "{" + pairs.map { strip($0.key) + ":" + strip($0.value) }.joined(separator: ",") + "}"
        }
    }
}

import CLibYAML

/// Reads YAML text with libyaml into `YAMLNode` trees.
///
/// Tags of YAML's core schema are resolved as the node is read (`!!bool true` becomes the
/// boolean `true`, `!!str 1` the string "1"), so a tagged value means what its tag says and is
/// written back that way; any other tag is an error (see `CoreTags`).
///
/// Aliases are expanded into copies, counted against `YAMLLimits.maxAliasExpansion`, so a
/// "billion laughs" input fails fast with a clear error instead of growing without bound.
public enum YAML {
    /// Every document of a YAML stream (`---` separated). Empty documents are skipped.
    public static func parseDocuments(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [YAMLNode] {
        try parseDocuments(bytes: Array(text.utf8), limits: limits)
    }

    /// Every document of a YAML stream given as raw bytes; invalid UTF-8 is reported with its place.
    /// Scalars go through `interner` when there is one, so that many files' repeated values share
    /// one copy.
    public static func parseDocuments(
        bytes: [UInt8], limits: YAMLLimits = .default, interner: YAMLInterner? = nil
    ) throws(YAMLError) -> [YAMLNode] {
        guard bytes.count <= limits.maxBytes else {
            throw YAMLError(
                line: 1, column: 1, reason: "input is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)")
        }
        var builder = TreeBuilder(limits: limits, interner: interner)
        try builder.run(bytes)
        return builder.documents
    }

    /// The single document of a YAML text; nil when the text holds no document.
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        let documents = try parseDocuments(text, limits: limits)
        if documents.count > 1 {
            throw YAMLError(at: documents[1].mark, "expected one YAML document, found \(documents.count)")
        }
        return documents.first
    }
}

/// Turns libyaml's event stream into nodes. One instance per parse.
private struct TreeBuilder {
    /// A collection being built. Mutated in place at the top of the stack, so appending stays
    /// linear even for mappings with thousands of keys.
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var pendingKey: YAMLNode?
        /// Line of each scalar key, to report duplicates: used once the mapping has more than
        /// `linearKeys` pairs; below that the pairs are scanned (hashing each key of every small
        /// mapping was a tenth of the catalog's parse).
        var keyLines: [String: Int] = [:]
        var keysIndexed = false
        var mark: YAMLMark
        var anchor: String?

        /// Notes the scalar key `text` at `line`; the line of an earlier equal key, if there is one.
        mutating func noteKey(_ text: String, line: Int) -> Int? {
            if pairs.count < TreeBuilder.linearKeys {
                // By index, so that each key is read in place: `for pair in pairs` copied every
                // pair, key and value, a fifth of building the catalog's trees.
                for index in pairs.indices {
                    if case .scalar(let key, _) = pairs[index].key.value, key == text {
                        return pairs[index].key.mark.line
                    }
                }
                return nil
            }
            if !keysIndexed {
                keysIndexed = true
                for pair in pairs {
                    if case .scalar(let key, _) = pair.key.value { keyLines[key] = pair.key.mark.line }
                }
            }
            if let first = keyLines[text] { return first }
            keyLines[text] = line
            return nil
        }
    }

    let limits: YAMLLimits
    let interner: YAMLInterner?
    var documents: [YAMLNode] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var expanded = 0
    private var documentRoot: YAMLNode?
    private static let linearKeys = 16

    init(limits: YAMLLimits, interner: YAMLInterner?) {
        self.limits = limits
        self.interner = interner
    }

    mutating func run(_ bytes: [UInt8]) throws(YAMLError) {
        // libyaml keeps a pointer to the parser (the string reader's handler data is the parser
        // itself), so it lives at one heap address for its whole use, not in a `var` that Swift may
        // hand to each call through a temporary.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw YAMLError(line: 1, column: 1, reason: "could not initialise the YAML parser")
        }
        defer { yaml_parser_delete(parser) }

        try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    throw Self.parserError(parser.pointee)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                try handle(event)
            }
        }
    }

    private mutating func handle(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]
            documentRoot = nil
        case YAML_DOCUMENT_END_EVENT:
            if let root = documentRoot, !(root.isNull && stack.isEmpty) {
                guard documents.count < limits.maxDocuments else {
                    throw YAMLError(at: mark, "more than \(limits.maxDocuments) documents")
                }
                documents.append(root)
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let bytes = UnsafeBufferPointer(start: scalar.value, count: scalar.length)
            let text = interner?.intern(bytes) ?? String(decoding: bytes, as: UTF8.self)
            let node = try CoreTags.scalar(
                text, quoted: scalar.plain_implicit == 0, tag: Self.string(scalar.tag), at: mark)
            try register(anchor: Self.string(scalar.anchor), node: node, size: 1)
            try add(node)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw YAMLError(at: mark, "alias *\(name) refers to no anchor")
            }
            expanded += target.size
            guard expanded <= limits.maxAliasExpansion else {
                throw YAMLError(
                    at: mark,
                    "aliases expand to more than \(limits.maxAliasExpansion) nodes (a \"billion laughs\" document?)")
            }
            try add(target.node)
        case YAML_SEQUENCE_START_EVENT:
            try CoreTags.checkCollection(
                tag: Self.string(event.data.sequence_start.tag), "tag:yaml.org,2002:seq", at: mark)
            try push(
                Frame(isMapping: false, mark: mark, anchor: Self.string(event.data.sequence_start.anchor)), at: mark)
        case YAML_MAPPING_START_EVENT:
            try CoreTags.checkCollection(
                tag: Self.string(event.data.mapping_start.tag), "tag:yaml.org,2002:map", at: mark)
            try push(Frame(isMapping: true, mark: mark, anchor: Self.string(event.data.mapping_start.anchor)), at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let node = YAMLNode(frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), mark: frame.mark)
            if let anchor = frame.anchor { try register(anchor: anchor, node: node, size: Self.size(of: node)) }
            try add(node)
        default:
            break
        }
    }

    private mutating func push(_ frame: Frame, at mark: YAMLMark) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(at: mark, "nesting deeper than \(limits.maxDepth) levels")
        }
        stack.append(frame)
    }

    private mutating func register(anchor: String?, node: YAMLNode, size: Int) throws(YAMLError) {
        guard let anchor else { return }
        anchors[anchor] = (node, size)
    }

    private mutating func add(_ node: YAMLNode) throws(YAMLError) {
        guard !stack.isEmpty else {
            documentRoot = node
            return
        }
        let top = stack.count - 1
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append((key, node))
            stack[top].pendingKey = nil
            return
        }
        if case .scalar(let text, _) = node.value {
            if let first = stack[top].noteKey(text, line: node.mark.line) {
                throw YAMLError(at: node.mark, "duplicate key '\(text)' (first at line \(first))")
            }
        }
        stack[top].pendingKey = node
    }

    private static func size(of node: YAMLNode) -> Int {
        switch node.value {
        case .scalar: return 1
        case .sequence(let items): return items.reduce(1) { $0 + size(of: $1) }
        case .mapping(let pairs): return pairs.reduce(1) { $0 + size(of: $1.key) + size(of: $1.value) }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func parserError(_ parser: yaml_parser_t) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let mark = parser.problem_mark
        var reason = problem
        // libyaml's context says where the construct that failed began ("while scanning a quoted scalar").
        if let context = parser.context.map({ String(cString: $0) }) {
            reason += " \(context)"
            if parser.context_mark.line != mark.line {
                reason += " that started at line \(parser.context_mark.line + 1)"
            }
        }
        return YAMLError(line: Int(mark.line) + 1, column: Int(mark.column) + 1, reason: reason)
    }
}

import YAML

/// Reading and editing manifest nodes the way Kubernetes reads them.
extension YAMLNode {
    /// A boolean as the cluster reads it. Kubernetes parses YAML with 1.1 rules, where `yes`, `on`
    /// and `y` are true, so `privileged: yes` must count as privileged. Quoted text is a string,
    /// which the API server refuses for a boolean field.
    var kubernetesBool: Bool? {
        guard case .scalar(let text, let quoted) = value, !quoted else { return nil }
        if Self.yaml11True.contains(text) { return true }
        if Self.yaml11False.contains(text) { return false }
        return nil
    }

    /// True when the field is absent or null.
    static func isAbsent(_ node: YAMLNode?) -> Bool {
        node?.isNull ?? true
    }

    /// The nodes of a sequence with their positions; none when the node is not a sequence.
    var items: [(offset: Int, element: YAMLNode)] {
        Array((sequence ?? []).enumerated())
    }

    /// A string scalar written so YAML reads it back as that string: plain when it is safe
    /// (a DNS name such as `web`), quoted when it would read as a number, boolean or null
    /// (`"123"`, `"yes"`, `"null"`).
    static func text(_ text: String, at mark: YAMLMark) -> YAMLNode {
        YAMLNode(.scalar(text, quoted: !readsAsString(text)), mark: mark)
    }

    /// This node with every quoted scalar that would read the same unquoted made plain, so that a
    /// JSON answer comes out as the YAML people write (`image: nginx:1.27`, not `"image": "nginx:1.27"`).
    var plainWherePossible: YAMLNode {
        switch value {
        case .scalar(let text, let quoted):
            return quoted && Self.readsAsString(text) ? YAMLNode(.scalar(text, quoted: false), mark: mark) : self
        case .sequence(let items):
            return YAMLNode(.sequence(items.map(\.plainWherePossible)), mark: mark)
        case .mapping(let pairs):
            return YAMLNode(
                .mapping(pairs.map { ($0.key.plainWherePossible, $0.value.plainWherePossible) }), mark: mark)
        }
    }

    /// True when `text`, unquoted, is a string under YAML 1.1 and 1.2 alike: it starts with a
    /// letter (numbers, timestamps, `.inf` and `~` do not) and is no boolean or null word. Only
    /// printable ASCII, and no final `:` (a key indicator there); `YAMLWriter` quotes the rest
    /// of what plain text cannot hold (`": "`, `" #"`, spaces at the ends).
    private static func readsAsString(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter, text.last != ":",
            text.utf8.allSatisfy({ (0x20...0x7E).contains($0) })
        else { return false }
        return !yaml11True.contains(text) && !yaml11False.contains(text) && !["null", "Null", "NULL"].contains(text)
    }

    static func emptyMapping(at mark: YAMLMark) -> YAMLNode {
        YAMLNode(.mapping([]), mark: mark)
    }

    /// Sets `key` to `newValue`: in place when the key exists, else right after `anchor` when
    /// that key exists, else at the end. Does nothing to a node that is not a mapping.
    mutating func set(_ key: String, _ newValue: YAMLNode, after anchor: String? = nil) {
        guard case .mapping(var pairs) = value else { return }
        if let index = pairs.firstIndex(where: { $0.key.string == key }) {
            pairs[index].value = newValue
        } else {
            let position =
                anchor.flatMap { anchor in pairs.firstIndex { $0.key.string == anchor } }.map { $0 + 1 }
                ?? pairs.endIndex
            pairs.insert((YAMLNode.text(key, at: mark), newValue), at: position)
        }
        value = .mapping(pairs)
    }

    /// Edits the mapping under `key`, creating an empty one (placed after `anchor`) when the key
    /// is missing or null. Returns false, changing nothing, when the value is not a mapping.
    @discardableResult
    mutating func editMapping(_ key: String, after anchor: String? = nil, _ edit: (inout YAMLNode) -> Void) -> Bool {
        var child = self[key] ?? .emptyMapping(at: mark)
        if child.isNull { child = .emptyMapping(at: child.mark) }
        guard child.mapping != nil else { return false }
        edit(&child)
        set(key, child, after: anchor)
        return true
    }

    /// Edits the node at `path` (keys of nested mappings), when every step exists and is a mapping.
    mutating func editExisting(_ path: ArraySlice<String>, _ edit: (inout YAMLNode) -> Void) {
        guard let key = path.first else { return edit(&self) }
        guard var child = self[key], child.mapping != nil else { return }
        child.editExisting(path.dropFirst(), edit)
        set(key, child)
    }

    /// The node at `path`, when every step exists.
    subscript(path path: [String]) -> YAMLNode? {
        path.reduce(Optional(self)) { node, key in node?[key] }
    }

    private static let yaml11True: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
    ]
    private static let yaml11False: Set<String> = [
        "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
    ]
}

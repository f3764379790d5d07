/// Backstage's naming rules (from its Kubernetes-style validators), without regular expressions so
/// that a large catalog loads quickly.
enum BackstageRules {
    /// `metadata.name`: 1–63 of `[A-Za-z0-9-_.]`, starting and ending alphanumeric.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else {
            return false
        }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    /// `kind`: a letter, then letters and digits.
    static func isValidKind(_ kind: String) -> Bool {
        let bytes = Array(kind.utf8)
        guard (1...63).contains(bytes.count), isLetter(bytes.first!) else { return false }
        return bytes.allSatisfy(isAlphanumeric)
    }

    /// `apiVersion`: `group/version`, such as `backstage.io/v1alpha1`. Checked byte by byte, as the
    /// tag below: these run for every entity at load, and splitting allocated for each.
    static func isValidAPIVersion(_ apiVersion: String) -> Bool {
        let bytes = apiVersion.utf8
        let slash = UInt8(ascii: "/")
        guard bytes.count <= 253, bytes.first != slash, bytes.last != slash,
            bytes.reduce(0, { $0 + ($1 == slash ? 1 : 0) }) == 1
        else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || "-./".utf8.contains($0) }
    }

    /// A tag: lowercase `[a-z0-9:+#]` words joined by single `-`, at most 63.
    static func isValidTag(_ tag: String) -> Bool {
        guard (1...63).contains(tag.utf8.count) else { return false }
        // As if a hyphen came before the tag: a hyphen may then follow only a word, and end none.
        let hyphen = UInt8(ascii: "-")
        var previous = hyphen
        for byte in tag.utf8 {
            let allowed = byte == hyphen ? previous != hyphen : isLowerAlphanumeric(byte) || ":+#".utf8.contains(byte)
            guard allowed else { return false }
            previous = byte
        }
        return previous != hyphen
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// `spec` fields each core kind must have, as Backstage's schemas require.
    /// An API of type `mcp-server` (Backstage's AI model module) describes `spec.remotes` instead of
    /// a definition.
    static func requiredSpecFields(for kind: EntityKind, type: String?) -> [String] {
        switch kind {
        case .component: return ["type", "lifecycle", "owner"]
        case .api where type == "mcp-server": return ["type", "lifecycle", "owner"]
        case .api: return ["type", "lifecycle", "owner", "definition"]
        case .resource: return ["type", "owner"]
        case .system, .domain: return ["owner"]
        case .group: return ["type", "children"]
        case .user: return ["memberOf"]
        case .location: return []
        }
    }
}

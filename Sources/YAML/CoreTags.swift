/// Explicit tags, read as YAML's core schema defines them.
///
/// A node keeps no tag, only its text and whether it is a string, so a tag must be resolved as
/// it is read: `hostNetwork: !!bool true` is the boolean true (a check must see it, and it must
/// not be written back as the string "true"), `!!str 8080` is a string. A value its tag does
/// not allow (`!!bool yes`, `!!int 1.5`) is an error, and so is any other tag (`!!binary`,
/// `!!timestamp`, `!custom`): its meaning depends on the reader, and no check could rely on it.
enum CoreTags {
    private static let prefix = "tag:yaml.org,2002:"

    /// The scalar `text` under `tag`: a string (quoted), or a plain value written the canonical way.
    static func scalar(_ text: String, quoted: Bool, tag: String?, at mark: YAMLMark) throws(YAMLError) -> YAMLNode {
        guard let tag else { return YAMLNode(.scalar(text, quoted: quoted), mark: mark) }
        func plain(_ canonical: String) -> YAMLNode { YAMLNode(.scalar(canonical, quoted: false), mark: mark) }
        func refuse(_ what: String) -> YAMLError {
            YAMLError(at: mark, "!!\(tag.dropFirst(prefix.count)) '\(text)' is not \(what)")
        }
        switch tag {
        // `!` is the non-specific tag of a quoted scalar: a string.
        case "!", prefix + "str":
            return YAMLNode(.scalar(text, quoted: true), mark: mark)
        case prefix + "bool":
            switch text {
            case "true", "True", "TRUE": return plain("true")
            case "false", "False", "FALSE": return plain("false")
            default: throw refuse("a boolean (true or false)")
            }
        case prefix + "int":
            guard let value = integer(text) else { throw refuse("an integer (decimal, or hexadecimal after 0x)") }
            return plain(String(value))
        case prefix + "float":
            guard let value = Double(text), text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else {
                switch text.lowercased() {
                case ".inf", "+.inf": return plain(".inf")
                case "-.inf": return plain("-.inf")
                case ".nan": return plain(".nan")
                default: throw refuse("a number")
                }
            }
            // A whole number keeps a point, so that it still reads as a float.
            return plain(text.contains(where: { ".eE".contains($0) }) ? text : String(value))
        case prefix + "null":
            guard ["", "~", "null", "Null", "NULL"].contains(text) else { throw refuse("null") }
            return plain("null")
        default:
            throw unsupported(tag, at: mark)
        }
    }

    /// Mappings and sequences may carry only their own core tag.
    static func checkCollection(tag: String?, _ own: String, at mark: YAMLMark) throws(YAMLError) {
        guard let tag, tag != "!", tag != own else { return }
        throw unsupported(tag, at: mark)
    }

    private static func unsupported(_ tag: String, at mark: YAMLMark) -> YAMLError {
        let shown = tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
        return YAMLError(
            at: mark,
            "tag \(shown) is not supported: only YAML's core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) have one meaning for every reader"
        )
    }

    /// `[-+]?[0-9]+` or `0x[0-9a-fA-F]+`, the integers of YAML's core schema. Octal is left out:
    /// YAML 1.1 readers (Kubernetes among them) read `010` as 8, YAML 1.2 as 10.
    private static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") {
            let digits = text.dropFirst(2)
            return digits.allSatisfy(\.isHexDigit) ? Int(digits, radix: 16) : nil
        }
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits == "0" || digits.first != "0"
        else { return nil }
        return Int(text)
    }
}

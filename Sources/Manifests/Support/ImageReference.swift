/// Container image references, as container runtimes accept them.
public enum ImageReference {
    /// `[registry[:port]/]path[:tag][@sha256:digest]`, the shape container runtimes accept.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= 255, !text.contains(where: { $0.isWhitespace }) else { return false }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            let digest = rest[rest.index(after: at)...]
            guard digest.hasPrefix("sha256:"), digest.count == 71, digest.dropFirst(7).allSatisfy(\.isHexDigit) else {
                return false
            }
            rest = rest[..<at]
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard var last = components.popLast() else { return false }
        if let colon = last.lastIndex(of: ":") {
            let tag = last[last.index(after: colon)...]
            guard (1...128).contains(tag.count), tag.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }),
                tag.first != "." && tag.first != "-"
            else { return false }
            last = last[..<colon]
        }
        // The first component may be a registry host with a port or capitals-free domain.
        if components.count >= 1,
            components[0].contains(".") || components[0].contains(":") || components[0] == "localhost"
        {
            components.removeFirst()
        }
        return (components + [last]).allSatisfy { part in
            guard let first = part.first, first.isLetter || first.isNumber else { return false }
            return part.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || "._-".contains($0) }
        }
    }
}

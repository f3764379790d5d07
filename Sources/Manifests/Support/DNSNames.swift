/// The name rules of Kubernetes (RFC 1123), checked without regular expressions.
enum DNSNames {
    /// A DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a
    /// letter or digit. Service names and app names must be labels.
    static func isLabel(_ text: String) -> Bool {
        text.utf8.count <= 63 && isLabelShaped(Substring(text))
    }

    /// A DNS-1123 subdomain: at most 253 characters, labels joined by dots. Most object names
    /// must be subdomains.
    static func isSubdomain(_ text: String) -> Bool {
        text.utf8.count <= 253 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabelShaped)
    }

    private static func isLabelShaped(_ part: Substring) -> Bool {
        guard let first = part.first, let last = part.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return part.allSatisfy { isAlphanumeric($0) || $0 == "-" }
    }

    private static func isAlphanumeric(_ character: Character) -> Bool {
        ("a"..."z").contains(character) || ("0"..."9").contains(character)
    }
}

/// The name rules of RFC 1123 as Kubernetes applies them, checked without regular expressions.
/// The one copy: app names, object names, namespaces, Ingress hosts, configured domains and
/// inventory machine names all go through it.
public enum DNSName {
    /// A DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a
    /// letter or digit. App names, Service names and namespaces must be labels.
    public static func isLabel(_ text: String) -> Bool {
        text.utf8.count <= 63 && isLabelShaped(Substring(text))
    }

    /// A DNS-1123 subdomain: at most 253 characters, label-shaped parts joined by single dots (no
    /// `a..b`, no leading or trailing dot). Most object names must be subdomains.
    public static func isSubdomain(_ text: String) -> Bool {
        text.utf8.count <= 253 && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabelShaped)
    }

    /// A host name: a subdomain whose every part is also at most 63 characters, as DNS itself
    /// requires. Ingress hosts, domains and machine names.
    public static func isHostname(_ text: String) -> Bool {
        isSubdomain(text) && text.split(separator: ".").allSatisfy { $0.utf8.count <= 63 }
    }

    private static func isLabelShaped(_ part: Substring) -> Bool {
        guard let first = part.utf8.first, let last = part.utf8.last, isAlphanumeric(first), isAlphanumeric(last)
        else {
            return false
        }
        return part.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

import Glibc

extension String {
    /// Every occurrence of `target` replaced, found by comparing UTF-8 bytes: for the fixed
    /// markup cmark-gfm writes, without Foundation's round trip through UTF-16 (which cost more
    /// than cmark-gfm's own rendering at load). Returns `self` when `target` does not occur.
    func replacingAll(_ target: String, with replacement: String) -> String {
        replacingAll(target) { replacement }
    }

    /// Every occurrence of `target` replaced by what `replacement` answers, called once per
    /// occurrence in order.
    func replacingAll(_ target: String, with replacement: () -> String) -> String {
        let needle = Array(target.utf8)
        var copy = self
        return copy.withUTF8 { haystack -> String in
            guard let base = haystack.baseAddress, !needle.isEmpty else { return self }
            var result: [UInt8] = []
            var copied = 0
            var at = 0
            while at + needle.count <= haystack.count,
                let found = memchr(base + at, Int32(needle[0]), haystack.count - at - needle.count + 1)
            {
                let start = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + start, needle, needle.count) == 0 {
                    if result.isEmpty { result.reserveCapacity(haystack.count + 256) }
                    result += haystack[copied..<start]
                    result += replacement().utf8
                    at = start + needle.count
                    copied = at
                } else {
                    at = start + 1
                }
            }
            guard copied > 0 else { return self }
            result += haystack[copied...]
            return String(decoding: result, as: UTF8.self)
        }
    }
}

/// One shared copy of each scalar string a series of parses meets again.
///
/// A Swift string longer than 15 bytes is a heap block of its own. Across a catalog's files the
/// same values come back in every entity (`backstage.io/v1alpha1`, annotation keys, owners,
/// systems, link titles) and within a file the name comes back in its annotations; the interner
/// hands the first copy out again. Not thread-safe: one per thread, for a chunk of files.
///
/// Looked up by the scalar's bytes, before any string is made: a value met again costs a hash of
/// its bytes and one comparison, no allocation (making the string, then hashing it for a `Set`,
/// was a twentieth of parsing the catalog). Bytes, not `String` equality, also keep two spellings
/// that Unicode calls equal (a precomposed and a decomposed é) apart, as the file wrote them.
public final class YAMLInterner {
    /// Open addressing, probed linearly; at most half full. Sized for a chunk of 64 catalog
    /// files (up to a thousand distinct values), so that it rarely grows.
    private var slots: [String?] = Array(repeating: nil, count: 2048)
    private var count = 0

    public init() {}

    /// The UTF-8 `bytes` as a string, or the string of equal bytes met before. Strings short
    /// enough to live inline in a `String` cost nothing to make and are left alone; long ones
    /// (descriptions, URLs) rarely repeat and would only cost a hash.
    func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard (16...64).contains(bytes.count) else { return String(decoding: bytes, as: UTF8.self) }
        let mask = slots.count - 1
        var slot = Self.hash(bytes) & mask
        while let candidate = slots[slot] {
            if Self.equal(candidate, bytes) { return candidate }
            slot = (slot + 1) & mask
        }
        let text = String(decoding: bytes, as: UTF8.self)
        slots[slot] = text
        count += 1
        if count * 2 > slots.count { grow() }
        return text
    }

    private func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        let mask = slots.count - 1
        for case let text? in old {
            let hash = Self.hash(of: text)
            var slot = hash & mask
            while slots[slot] != nil { slot = (slot + 1) & mask }
            slots[slot] = text
        }
    }

    /// FNV-1a: the strings are short and the table is private, so a fast hash is enough.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash)
    }

    /// `hash` of a stored string's bytes: every one was made by `String(decoding:)`, so its
    /// bytes are contiguous.
    private static func hash(of text: String) -> Int {
        text.utf8.withContiguousStorageIfAvailable { hash($0) } ?? Array(text.utf8).withUnsafeBufferPointer { hash($0) }
    }

    private static func equal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        text.utf8.count == bytes.count
            && (text.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(bytes) } ?? text.utf8.elementsEqual(bytes))
    }
}

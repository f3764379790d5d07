extension StringProtocol {
    /// The text without the characters `isTrimmed` picks (white space unless told) at either end.
    /// Foundation's `trimmingCharacters(in:)` takes each line through UTF-16 and back, which cost
    /// a fifth of the ADRs' load.
    func trimmingEnds(_ isTrimmed: (Character) -> Bool = \.isWhitespace) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

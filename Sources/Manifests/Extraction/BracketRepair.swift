/// Mends the brackets of JSON a small model got wrong: a closer that skips an open bracket gets
/// the missing closers first, a closer with nothing to close is dropped, and brackets (and a string)
/// left open when the answer was cut off are closed at the end.
///
/// The recorded chat answer ends an object with `}]` where `}}]` was due; mending turns it into the
/// Deployment the model meant. Lines are never added or removed, so error lines still match.
enum BracketRepair {
    /// The mended text, or nil when there was nothing to mend.
    static func mend(_ text: String) -> String? {
        var mended = ""
        var open: [Character] = []
        var inString = false
        var escaped = false
        var changed = false
        for character in text {
            if inString {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                mended.append(character)
                continue
            }
            switch character {
            case "\"":
                inString = true
            case "{", "[":
                open.append(character)
            case "}", "]":
                let opener: Character = character == "}" ? "{" : "["
                guard let match = open.lastIndex(of: opener) else {
                    changed = true
                    continue
                }
                if match != open.count - 1 {
                    mended += open[(match + 1)...].reversed().map(closer)
                    changed = true
                }
                open.removeSubrange(match...)
            default:
                break
            }
            mended.append(character)
        }
        guard changed || inString || !open.isEmpty else { return nil }
        while mended.last?.isWhitespace == true { mended.removeLast() }
        if inString { mended += "\"" }
        mended += open.reversed().map(closer)
        return mended + "\n"
    }

    private static func closer(_ opener: Character) -> Character {
        opener == "{" ? "}" : "]"
    }
}

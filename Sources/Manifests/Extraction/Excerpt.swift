/// Lines picked out of a model's answer, each remembering the answer line it came from, so that a
/// YAML error in the extracted text can name the line the user sees in the answer.
struct Excerpt {
    private(set) var lines: [String]
    /// The 1-based answer line of each line.
    private(set) var origins: [Int]

    init(lines: [String], origins: [Int]) {
        self.lines = lines
        self.origins = origins
    }

    /// The whole answer, split into lines. Line endings are unified (`\r\n` and `\r` become `\n`)
    /// and a byte-order mark is dropped, as libyaml and editors count lines.
    init(answer: String) {
        var text = answer.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
        if text.first == "\u{FEFF}" { text.removeFirst() }
        self.init(text: text, origin: 1, numbered: true)
    }

    /// The lines of `text`, all attributed to one answer line (a manifest unwrapped from a JSON
    /// string), or numbered on from `origin` when `numbered`.
    init(text: String, origin: Int, numbered: Bool = false) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        self.origins = numbered ? Array(origin..<(origin + lines.count)) : Array(repeating: origin, count: lines.count)
    }

    var isEmpty: Bool { lines.allSatisfy { $0.allSatisfy(\.isWhitespace) } }

    /// The text, one `\n` after every line.
    var text: String { lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n" }

    /// The answer line that line `line` (1-based) of `text` came from.
    func answerLine(_ line: Int) -> Int {
        guard let last = origins.last else { return line }
        return line >= 1 && line <= origins.count ? origins[line - 1] : last
    }

    /// The given lines of this excerpt.
    func slice(_ range: Range<Int>) -> Excerpt {
        Excerpt(lines: Array(lines[range]), origins: Array(origins[range]))
    }

    /// New text for these lines: repairs change characters, not lines, so the line origins carry
    /// over (an extra line, if any, counts as the last).
    func replacingText(_ text: String) -> Excerpt {
        var result = Excerpt(text: text, origin: origins.last ?? 1)
        for index in result.origins.indices where index < origins.count {
            result.origins[index] = origins[index]
        }
        return result
    }

    /// These lines, every one attributed to a single answer line.
    func attributed(to origin: Int) -> Excerpt {
        Excerpt(lines: lines, origins: Array(repeating: origin, count: lines.count))
    }

    mutating func append(_ line: String, origin: Int) {
        lines.append(line)
        origins.append(origin)
    }

    /// Excerpts joined into one YAML stream, a `---` line before each but the first, so that
    /// separate blocks stay separate documents.
    static func documents(_ parts: [Excerpt]) -> Excerpt {
        var joined = Excerpt(lines: [], origins: [])
        for part in parts where !part.isEmpty {
            if !joined.lines.isEmpty { joined.append("---", origin: part.origins[0]) }
            joined.lines += part.lines
            joined.origins += part.origins
        }
        return joined
    }
}

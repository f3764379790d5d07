import Foundation

/// Seeded, bounded fuzzing: every run of the suite tries the same `iterations` inputs per target
/// (so a failure reproduces), and `scripts/fuzz.sh` runs many more with a new seed.
///
/// `FUZZ_ITERATIONS` (default 300) and `FUZZ_SEED` (default 1) come from the environment; a
/// failure message names the seed and iteration to replay.
enum Fuzzing {
    static var iterations: Int { ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap(UInt64.init) ?? 1 }

    /// Runs `body` once per iteration with a generator seeded from the run's seed and the iteration.
    static func run(_ target: String, _ body: (inout SplitMix64, Int) throws -> Void) rethrows {
        for iteration in 0..<iterations {
            var generator = SplitMix64(
                seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(iteration) &+ UInt64(target.utf8.count) << 32)
            try body(&generator, iteration)
        }
    }

    /// How to find a failing input again.
    static func replay(_ iteration: Int) -> String { "FUZZ_SEED=\(seed), iteration \(iteration)" }
}

/// SplitMix64: small, fast, and the same sequence on every platform for a given seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    /// `text` with a few random edits: bytes flipped, pieces inserted from `dictionary`, lines
    /// cut, duplicated or swapped: the kind of damage a model or a broken proxy does.
    mutating func mutate(_ text: String, dictionary: [String]) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...6, using: &self) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &self)
            switch Int.random(in: 0..<6, using: &self) {
            case 0 where !bytes.isEmpty:
                bytes[min(position, bytes.count - 1)] = UInt8.random(in: 0...255, using: &self)
            case 1:
                bytes.insert(contentsOf: Array(pick(dictionary).utf8), at: position)
            case 2 where !bytes.isEmpty:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...40, using: &self)))
            case 3:
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                if lines.count > 1 {
                    let (a, b) = (
                        Int.random(in: 0..<lines.count, using: &self), Int.random(in: 0..<lines.count, using: &self)
                    )
                    lines.swapAt(a, b)
                    if chance(50) { lines.insert(lines[a], at: b) }
                }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 4:
                bytes = Array(bytes.prefix(position))
            default:
                bytes.insert(
                    contentsOf: Array(
                        repeating: UInt8(ascii: pick([" ", "\t", "-", ":", "[", "{", "`", "&", "*", "!", "|", ">"])),
                        count: Int.random(in: 1...8, using: &self)), at: position)
            }
        }
        return bytes
    }
}

/// The fixtures the mutations start from.
enum Seeds {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func texts(in folder: String, suffix: String) -> [String] {
        let path = fixtures + "/" + folder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(suffix) }
            .sorted()
        return names.compactMap { try? String(contentsOfFile: path + "/" + $0, encoding: .utf8) }
    }
}

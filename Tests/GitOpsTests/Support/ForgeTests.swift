import Foundation
import Logging
import Synchronization
import Testing

/// The HTTP provider suites run one test at a time. In this sandbox (gVisor), concurrent libcurl
/// connections to in-process Hummingbird test servers stall: about a second each through
/// 127.0.0.1, and up to the 30 s timeout through "localhost". One at a time, the suites take ~2 s.
@Suite("HTTP providers against fake forges", .serialized)
struct ForgeTests {}

/// The repository's root folder (for `Tests/Fixtures`).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .path

let quietLogger: Logger = {
    var logger = Logger(label: "gitops-tests")
    logger.logLevel = .critical
    return logger
}()

/// Collects what a provider's `trace` handler receives.
final class TraceLog: Sendable {
    private let entries = Mutex<[String]>([])

    var lines: [String] { entries.withLock { $0 } }

    func record(_ text: String) {
        entries.withLock { $0.append(text) }
    }
}

import FakeUpstreams
import Foundation
import Store
import Testing

@testable import Provisioning

@Suite("A stored column that does not decode fails the request instead of stalling it")
struct StoredColumnsTests {
    @Test(
        "a broken file list or spec: opening the pull request fails with the reason", arguments: ["file list", "spec"])
    func brokenColumn(column: String) async throws {
        let forge = FakeForge()
        let flow = try await Flow(store: try freshStore(), ollamaPort: closedPort(), provider: forge)
        let created = try await flow.submit(templateFields)
        _ = try await flow.wait(created.id, for: [.ready])
        try await flow.store.transition(created.id, from: [.ready], to: nil, message: "corrupted by the test") { row in
            if column == "spec" {
                row.storedSpec = JSONColumn(json: "[]")
            } else {
                row.storedFiles = JSONColumn(json: "{\"path\": 1")
            }
        }

        _ = try await flow.service.openPullRequest(created.id, by: .anonymous)
        let done = try await flow.wait(created.id, for: [.failed, .prOpened], limit: .seconds(20))

        #expect(done.status == .failed)
        #expect(done.failureReason?.hasPrefix("The stored \(column) of this request cannot be read") == true)
        #expect(forge.calls.isEmpty)
        await flow.runner.shutdown()
    }
}

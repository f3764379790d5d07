import Foundation
import RequestValues
import Testing

@testable import Store

@Suite("A request's history")
struct RequestHistoryTests {
    @Test("read while the job moves it on, its status always matches the timeline's last step")
    func statusAgreesWithTimeline() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-history-\(UUID().uuidString)"
        ).path
        let database = try HomeportDatabase(path: folder + "/homeport.sqlite")
        try database.migrate(folder: root + "/migrations")
        let store = RequestStore(database: database)
        let request = AppRequest(
            id: "abc123", appName: "web", engine: "template", model: nil, source: "form",
            spec: AppSpec(name: "web", owner: "group:default/platform-team", image: "nginx:1.27"),
            autoPR: false, requestedBy: nil, at: Date())
        _ = try await store.create(request, message: "Request received", actedBy: "alex")
        let steps: [RequestStatus] = [.generating, .validating, .ready, .cancelled]
        let writer = Task {
            for status in steps {
                _ = try await store.transition("abc123", to: status, message: "now \(status.rawValue)")
            }
        }
        var reads = 0
        while true {
            let (row, events, _) = try #require(try await store.history(of: "abc123"))
            #expect(events.last?.status == row.status)
            reads += 1
            if row.status == .cancelled { break }
            await Task.yield()
        }
        try await writer.value
        #expect(reads >= 1)
        #expect(try await store.history(of: "missing") == nil)
    }
}

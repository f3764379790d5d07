import FakeUpstreams
import Foundation
import Testing

@Suite("Installed layout")
struct InstalledLayoutTests {
    @Test("without ./Templates, Homeport serves its pages from <bin>/../share/homeport")
    func installed() async throws {
        let prefix = try freshFolder("prefix")
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: prefix + "/share/homeport", withIntermediateDirectories: true)
        // A hard link when the file system allows (the binary is large), a copy otherwise.
        if link(executable, prefix + "/bin/homeport") != 0 {
            try FileManager.default.copyItem(atPath: executable, toPath: prefix + "/bin/homeport")
        }
        for folder in ["Templates", "Public", "migrations"] {
            try FileManager.default.copyItem(
                atPath: checkoutRoot + "/" + folder, toPath: prefix + "/share/homeport/" + folder)
        }
        let elsewhere = try freshFolder("cwd")
        let server = try ServerProcess(
            environment: [
                "HOMEPORT_DATA_DIR": elsewhere + "/data", "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
            ],
            port: closedPort(), binary: prefix + "/bin/homeport", directory: elsewhere)
        #expect(await server.waitUntilServing(), "\(server.log)")
        let overview = try await server.send("GET", "/")
        #expect(overview.status == 200)
        #expect(overview.text.contains("<!doctype html>") || overview.text.contains("<!DOCTYPE html>"))
        #expect(try await server.send("GET", "/static/homeport.css").status == 200)
        #expect(FileManager.default.fileExists(atPath: elsewhere + "/data/homeport.sqlite"))
    }
}

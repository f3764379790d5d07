import FakeUpstreams
import Foundation
import HTTPClient
import Hummingbird
import HummingbirdTesting
import Testing

/// Planted secrets: a forge token and an API token, shaped like real ones so an echo is caught.
private let forgeToken = "ghp_PlantedCanary0123456789abcdefXYZ"
private let apiToken = "hp_api_PlantedCanary_5f0e9d8c7b6a"

/// A GitHub that refuses every call and, like a misbehaving proxy, echoes the credentials it got.
private func echoingGitHub(seen: Shared<[String]>) -> some ApplicationProtocol {
    let router = Router()
    router.on("**", method: .get, use: echo)
    router.on("**", method: .post, use: echo)
    router.on("**", method: .put, use: echo)
    @Sendable func echo(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let authorization = request.headers[.authorization] ?? ""
        seen.update { $0.append(authorization) }
        let body =
            #"{"message": "Bad credentials: \#(authorization)", "documentation_url": "https://x:\#(forgeToken)@docs.github.com"}"#
        return Response(
            status: .unauthorized, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    return Application(router: router)
}

private func leaks(in text: String) -> [String] {
    [forgeToken, apiToken].filter { text.contains($0) }
}

/// Every file under `folder` (the database and its WAL), as text.
private func filesText(_ folder: String) throws -> String {
    let names = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasPrefix("homeport.sqlite") }
    return try names.map {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0)), as: UTF8.self)
    }.joined()
}

@Suite("Secrets never leak", .serialized)
struct SecretsTests {
    @Test(
        "a planted forge token and API token appear in no page, API answer, /metrics, log line, stored error or pull request body"
    )
    func plantedTokens() async throws {
        let seen = Shared<[String]>([])
        try await echoingGitHub(seen: seen).test(.live) { github in
            for provider in ["github", "git"] {
                let data = try freshFolder("secrets")
                var environment = [
                    "HOMEPORT_DATA_DIR": data, "HOMEPORT_LOG_LEVEL": "trace",
                    "HOMEPORT_PLATFORM_ROOT": checkoutRoot + "/examples/homelab",
                    "HOMEPORT_AUTH_MODE": "token", "HOMEPORT_AUTH_TOKENS": "ci:\(sha256(apiToken))",
                    "HOMEPORT_GITOPS_PROVIDER": provider,
                    "GITHUB_TOKEN": forgeToken,
                ]
                if provider == "github" {
                    environment["HOMEPORT_GITOPS_GITHUB_API_URL"] = "http://127.0.0.1:\(try #require(github.port))"
                    environment["HOMEPORT_GITOPS_GITHUB_REPOSITORY"] = "homelab/gitops"
                } else {
                    // Credentials in a remote's URL are a token too: the push fails, its error is stored.
                    environment["HOMEPORT_GITOPS_GIT_REMOTE"] =
                        "http://oauth2:\(forgeToken)@127.0.0.1:\(closedPort())/gitops.git"
                }
                let server = try ServerProcess(environment: environment, port: closedPort())
                #expect(await server.waitUntilServing(), "\(server.log)")
                let bearer = [(name: "Authorization", value: "Bearer \(apiToken)")]
                let created = try await server.send(
                    "POST", "/api/v1/requests",
                    json:
                        #"{"app_name": "canary-\#(provider)", "engine": "template", "image": "nginx:1.27", "auto_pr": true, "prompt": "a page"}"#,
                    headers: bearer)
                #expect(created.status == 202, "\(created.text)")
                let id =
                    (try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["id"] as? String
                    ?? "?"
                for _ in 0..<300 {
                    let status = try await server.send("GET", "/api/v1/requests/\(id)", headers: bearer).text
                    if status.contains(#""status":"failed""#) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let request = try await server.send("GET", "/api/v1/requests/\(id)", headers: bearer).text
                #expect(request.contains(#""status":"failed""#), "the forge refused: \(request)")
                #expect(request.contains(#""requested_by":"ci""#))
                var everything = request
                for path in [
                    "/", "/requests", "/requests?mine=1", "/requests/\(id)", "/requests/\(id)/events",
                    "/api/v1/requests", "/metrics", "/-/errors", "/apps/new",
                ] {
                    let page = try await server.send("GET", path, headers: bearer)
                    #expect(page.status == 200, "\(path)")
                    #expect(leaks(in: page.text).isEmpty, "\(provider): \(path) shows a token")
                    everything += page.text
                }
                #expect(everything.contains("canary-\(provider)"), "the pages do show the request")
                server.signal(SIGTERM)
                #expect(await server.waitForExit() == 0)
                #expect(leaks(in: server.log).isEmpty, "\(provider): the log has a token")
                #expect(server.log.contains("trace") || server.log.contains("info"), "the log was written")
                #expect(leaks(in: try filesText(data)).isEmpty, "\(provider): the database has a token")
                if provider == "git" {
                    let bodies = try git(["log", "--all", "--format=%an %ae%n%B"], in: data + "/gitops.git")
                    #expect(bodies.contains("canary-git"), "the pull request's commit was made")
                    #expect(leaks(in: bodies).isEmpty, "the pull request body has a token")
                }
            }
        }
        #expect(
            seen.current.contains { $0.contains(forgeToken) },
            "the fake GitHub did get the token: the test is not vacuous")
    }
}

/// `printf %s TEXT | sha256sum`, by the system's tool.
private func sha256(_ text: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

import Config
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Portal

@Suite("The new-app flow as the configuration and the platform set it up")
struct ProvisioningSetupTests {
    /// The configuration of a fresh data folder, serving the example homelab.
    private func config() throws -> HomeportConfig {
        var config = HomeportConfig()
        config.dataDir =
            FileManager.default.temporaryDirectory.appendingPathComponent("homeport-setup-\(UUID().uuidString)").path
        config.platform.root = repositoryRoot + "/examples/homelab"
        config.server.publicURL = "https://portal.homelab.local"
        try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
        return config
    }

    private func database(_ config: HomeportConfig) throws -> HomeportDatabase {
        let database = try HomeportDatabase(path: config.dataDir + "/homeport.sqlite")
        try database.migrate(folder: repositoryRoot + "/migrations")
        return database
    }

    @Test(
        "the policy takes the configured lists and reserves the hosts of the platform's service links and of the portal"
    )
    func policy() throws {
        var config = try config()
        config.policy.ingressDomains = ["lab.example.org"]
        config.policy.serviceTypes = ["ClusterIP", "NodePort"]
        config.policy.storageClasses = []
        let state = try platformState(root: config.platform.root)
        let provisioning = try makeProvisioning(
            config: config, database: try database(config), state: state, provider: try makeGitProvider(config: config),
            logger: quietLogger)
        let policy = provisioning.settings.currentPolicy
        #expect(policy.ingressDomains == ["lab.example.org"])
        #expect(policy.serviceTypes == ["ClusterIP", "NodePort"])
        #expect(policy.storageClasses.isEmpty)
        #expect(
            policy.reservedHosts.isSuperset(of: [
                "argocd.homelab.local", "grafana.homelab.local", "gitea.homelab.local", "portal.homelab.local",
            ]))
    }

    @Test(
        "a template request for the host of a platform service is rejected with the reason; an ordinary one is ready, under the configured domain",
        arguments: [
            ("argocd.homelab.local", "homelab.local", RequestStatus.rejected),
            ("", "homelab.local", .ready),
            ("", "lab.example.org", .ready),
        ])
    func hostOfAPlatformService(_ host: String, _ domain: String, _ expected: RequestStatus) async throws {
        var config = try config()
        config.policy.ingressDomains = [domain]
        let state = try platformState(root: config.platform.root)
        let provisioning = try makeProvisioning(
            config: config, database: try database(config), state: state, provider: try makeGitProvider(config: config),
            logger: quietLogger)
        try await provisioning.runner.start()
        let router = try await buildRouter(state: state, provisioning: provisioning, resourcesDirectory: repositoryRoot)
        try await Application(router: router, logger: quietLogger).test(.router) { client in
            let fields = [
                "app_name": "web", "owner": "group:default/platform-team", "image": "nginx:1.27", "engine": "template",
                "host": host,
            ]
            let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: fields))
            let id = try await client.execute(
                uri: "/api/v1/requests", method: .post, headers: [.contentType: "application/json"], body: body
            ) { response in
                (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["id"]
                    as? String
            }
            let request = try await provisioning.waitUntilSettled(try #require(id), timeout: 60)
            #expect(request.status == expected, "\(request.failureReason ?? "")")
            if expected == .rejected {
                #expect(
                    request.failureReason?.contains("host 'argocd.homelab.local' is already served by the platform")
                        == true, "\(request.failureReason ?? "")")
                #expect(request.branch == nil)
            } else {
                #expect(request.manifest?.contains("host: web.\(domain)") == true, "\(request.manifest ?? "")")
            }
        }
    }
}

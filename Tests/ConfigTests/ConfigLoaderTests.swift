import Foundation
import Testing

@testable import Config

/// The repository root, found from this file's place.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite("Configuration")
struct ConfigLoaderTests {
    /// Writes `text` as a configuration file in a fresh folder and returns its path.
    func file(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "homeport-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("homeport.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("defaults serve the example homelab on 127.0.0.1:8080")
    func defaults() throws {
        let config = try HomeportConfig.load(file: nil, environment: [:])
        #expect(config.server.host == "127.0.0.1")
        #expect(config.server.port == 8080)
        #expect(config.platform.root == "examples/homelab")
        #expect(config.dataDir == ".homeport")
    }

    @Test("file values, with relative paths resolved against the file's folder")
    func fileValues() throws {
        let path = try file(
            """
            server:
              host: 0.0.0.0
              port: 9090
            data_dir: state
            platform:
              root: /srv/platform
              adr_dir: decisions
            log:
              level: debug
              requests: all
            auth:
              allow_anonymous_remote: true
            """)
        let config = try HomeportConfig.load(file: path, environment: [:])
        let folder = (path as NSString).deletingLastPathComponent
        #expect(config.server.host == "0.0.0.0")
        #expect(config.server.port == 9090)
        #expect(config.dataDir == folder + "/state")
        #expect(config.platform.root == "/srv/platform")
        #expect(config.platform.adrDir == "decisions")
        #expect(config.log.level == .debug)
        #expect(config.log.requests == .all)
    }

    @Test("environment variables named after the key path override the file")
    func environment() throws {
        let path = try file("server:\n  port: 9090\n")
        let config = try HomeportConfig.load(
            file: nil,
            environment: [
                "HOMEPORT_CONFIG": path,
                "HOMEPORT_SERVER_PORT": "7070",
                "HOMEPORT_PLATFORM_ROOT": "/tmp/platform",
                "HOMEPORT_DATA_DIR": "/tmp/data",
                "HOMEPORT_LOG_REQUESTS": "none",
                "HOMEPORT_GITOPS_RETRY_FIRST_SECONDS": "5",
                "PATH": "/usr/bin",
            ])
        #expect(config.server.port == 7070)
        #expect(config.gitops.retryFirstSeconds == 5)
        #expect(config.log.requests == .none)
        #expect(config.platform.root == "/tmp/platform")
        #expect(config.dataDir == "/tmp/data")
    }

    @Test(
        "bad values and unknown keys stop the start with the key path and the reason",
        arguments: [
            ("server:\n  prot: 80\n", "server.prot", "unknown key", ":2"),
            ("server:\n  port: eighty\n", "server.port", "expected a port number from 1 to 65535, got 'eighty'", ":2"),
            ("server:\n  port: 70000\n", "server.port", "expected a port number from 1 to 65535, got '70000'", ":2"),
            (
                "log:\n  level: loud\n", "log.level",
                "expected one of trace, debug, info, notice, warning, error, critical, got 'loud'", ":2"
            ),
            ("log:\n  requests: some\n", "log.requests", "expected one of all, errors, none, got 'some'", ":2"),
            ("platform: examples\n", "platform", "expected a mapping of keys, found a scalar", ":1"),
            ("server:\n  host: [a, b]\n", "server.host", "expected a single value, found a sequence", ":2"),
            ("colour: blue\n", "colour", "unknown key", ":1"),
            (
                "prometheus:\n  url: prometheus.local\n", "prometheus.url",
                "expected an http or https URL, got 'prometheus.local'", ":2"
            ),
            ("status:\n  window: 1\n", "status.window", "expected a whole number from 2 to 10000, got '1'", ":2"),
            (
                "policy:\n  service_types: [ClusterIP, ExternalName]\n", "policy.service_types",
                "ExternalName cannot be allowed: it lets an app alias any name, cluster services included", ":2"
            ),
            (
                "policy:\n  service_types: [Headless]\n", "policy.service_types",
                "expected ClusterIP, NodePort or LoadBalancer, got 'Headless'", ":2"
            ),
            ("policy:\n  service_types: []\n", "policy.service_types", "must name at least one", ":2"),
            (
                "policy:\n  ingress_domains: [Homelab.Local]\n", "policy.ingress_domains",
                "'Homelab.Local' is not a domain name (lowercase letters, digits, '-' and '.')", ":2"
            ),
            (
                "policy:\n  storage_classes: [{name: fast}]\n", "policy.storage_classes",
                "expected a list of single values", ":2"
            ),
        ])
    func fileErrors(_ text: String, _ key: String, _ reason: String, _ line: String) throws {
        let path = try file(text)
        #expect(throws: ConfigError(source: path + line, key: key, reason: reason)) {
            try HomeportConfig.load(file: path, environment: [:])
        }
    }

    @Test(
        "policy lists: defaults for k3s and homelab.local; a YAML list in the file, comma-separated in the environment")
    func policyLists() throws {
        let defaults = try HomeportConfig.load(file: nil, environment: [:]).policy
        #expect(defaults.ingressDomains == ["homelab.local"])
        #expect(defaults.serviceTypes == ["ClusterIP"])
        #expect(defaults.storageClasses == ["local-path"])
        let path = try file("policy:\n  ingress_domains: [lab.example.org, homelab.local]\n  storage_classes: []\n")
        let config = try HomeportConfig.load(
            file: path, environment: ["HOMEPORT_POLICY_SERVICE_TYPES": "ClusterIP, LoadBalancer"])
        #expect(config.policy.ingressDomains == ["lab.example.org", "homelab.local"])
        #expect(config.policy.storageClasses == [])
        #expect(config.policy.serviceTypes == ["ClusterIP", "LoadBalancer"])
    }

    @Test("a bad environment value names the variable and the key")
    func environmentErrors() {
        #expect(
            throws: ConfigError(
                source: "HOMEPORT_SERVER_PORT", key: "server.port",
                reason: "expected a port number from 1 to 65535, got '0'")
        ) {
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVER_PORT": "0"])
        }
        #expect {
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVR_PORT": "80"])
        } throws: { error in
            (error as? ConfigError)?.source == "HOMEPORT_SERVR_PORT"
                && (error as? ConfigError)?.reason.contains("unknown variable") == true
        }
    }

    @Test("a named configuration file that is missing or not YAML is an error")
    func unreadableFile() throws {
        #expect(
            throws: ConfigError(source: "/no/such/homeport.yaml", key: "", reason: "cannot read the configuration file")
        ) {
            try HomeportConfig.load(file: "/no/such/homeport.yaml", environment: [:])
        }
        let path = try file("server: [")
        #expect(throws: ConfigError.self) { try HomeportConfig.load(file: path, environment: [:]) }
    }

    @Test("listening beyond loopback without authentication needs an explicit yes")
    func exposure() throws {
        #expect {
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVER_HOST": "0.0.0.0"])
        } throws: { error in
            (error as? ConfigError)?.reason.contains("auth.allow_anonymous_remote: true") == true
        }
        let allowed = try HomeportConfig.load(
            file: nil, environment: ["HOMEPORT_SERVER_HOST": "0.0.0.0", "HOMEPORT_AUTH_ALLOW_ANONYMOUS_REMOTE": "true"])
        #expect(allowed.server.host == "0.0.0.0")
        #expect(try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVER_HOST": "::1"]).server.host == "::1")
        #expect(
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVER_HOST": "127.0.0.2"]).server.host
                == "127.0.0.2")
    }

    @Test(
        "a host name that only starts like a loopback address is not loopback",
        arguments: ["127.example.com", "127.0.0.1.nip.io", "1270.0.0.1"])
    func loopbackLookalike(_ host: String) {
        #expect {
            try HomeportConfig.load(file: nil, environment: ["HOMEPORT_SERVER_HOST": host])
        } throws: { error in
            (error as? ConfigError)?.reason.contains("auth.allow_anonymous_remote: true") == true
        }
    }

    @Test("every key has its environment variable")
    func variables() {
        #expect(Setting.byPath["server.port"]?.variable == "HOMEPORT_SERVER_PORT")
        #expect(Setting.byPath["platform.root"]?.variable == "HOMEPORT_PLATFORM_ROOT")
        #expect(Setting.byPath["data_dir"]?.variable == "HOMEPORT_DATA_DIR")
        #expect(Setting.byPath["platform.gitops_apps_dir"]?.variable == "HOMEPORT_PLATFORM_GITOPS_APPS_DIR")
    }

    @Test("live status is off by default; the example homelab's configuration sets every integration up")
    func liveStatus() throws {
        let defaults = try HomeportConfig.load(file: nil, environment: [:])
        #expect(!defaults.status.serviceChecks)
        #expect(
            defaults.kubernetes.apiURL.isEmpty && defaults.prometheus.url.isEmpty && defaults.alertmanager.url.isEmpty
                && defaults.argocd.url.isEmpty)
        #expect(defaults.kubernetes.tokenFile == "/var/run/secrets/kubernetes.io/serviceaccount/token")

        let example = try HomeportConfig.load(
            file: repositoryRoot + "/examples/homelab/homeport.yaml", environment: [:])
        #expect(example.status.serviceChecks)
        #expect(example.kubernetes.apiURL == "https://kubernetes.default.svc")
        #expect(
            example.prometheus.url.hasPrefix("http://") && example.alertmanager.url.hasPrefix("http://")
                && example.argocd.url.hasPrefix("http://"))
        #expect(example.platform.root == repositoryRoot + "/examples/homelab")

        let overridden = try HomeportConfig.load(
            file: nil,
            environment: [
                "HOMEPORT_PROMETHEUS_URL": "http://127.0.0.1:9090/", "HOMEPORT_ARGOCD_TOKEN_FILE": "/run/argocd-token",
            ])
        #expect(overridden.prometheus.url == "http://127.0.0.1:9090")
        #expect(overridden.argocd.tokenFile == "/run/argocd-token")
    }
}

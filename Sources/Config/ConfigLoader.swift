import Auth
import DNSNames
import Foundation
import YAML

extension HomeportConfig {
    /// The environment variable naming the configuration file.
    public static let fileVariable = "HOMEPORT_CONFIG"
    /// The file read when neither `--config` nor `HOMEPORT_CONFIG` names one, if it exists.
    public static let defaultFile = "homeport.yaml"

    /// Defaults, then the configuration file, then `HOMEPORT_*` environment variables.
    ///
    /// Relative paths in the file are resolved against the file's folder; relative paths from the
    /// environment or the defaults against the working directory.
    public static func load(file explicitFile: String?, environment: [String: String]) throws(ConfigError)
        -> HomeportConfig
    {
        var config = HomeportConfig()
        let file = explicitFile ?? environment[fileVariable]
        if let file {
            try config.apply(fileAt: file, required: true)
        } else {
            try config.apply(fileAt: defaultFile, required: false)
        }
        try config.apply(environment: environment)
        try config.checkExposure()
        if config.resourcesDir.isEmpty {
            config.resourcesDir = ResourceLocation.resourcesDirectory(
                workingDirectory: FileManager.default.currentDirectoryPath,
                executablePath: ResourceLocation.executablePath
            )
        }
        return config
    }

    private static let loopbackRanges = [AddressRange("127.0.0.0/8")!, AddressRange("::1")!]

    /// Listening beyond loopback without authentication must be asked for explicitly.
    func checkExposure() throws(ConfigError) {
        // An address, parsed: a name such as 127.example.com is not loopback, whatever it starts with.
        let loopback = server.host == "localhost" || Self.loopbackRanges.contains { $0.contains(server.host) }
        guard loopback || auth.allowAnonymousRemote || auth.mode != .none else {
            throw ConfigError(
                source: "server.host", key: "server.host",
                reason:
                    "\(server.host) would let anyone who reaches it open pull requests without signing in; set auth.mode (proxy or token), listen on 127.0.0.1 behind an authenticating proxy, or set auth.allow_anonymous_remote: true to accept that"
            )
        }
        if auth.mode == .proxy, auth.proxy.trustedAddresses.isEmpty {
            throw ConfigError(
                source: "auth.proxy.trusted_addresses", key: "auth.proxy.trusted_addresses",
                reason: "proxy mode needs the proxy's address: with none trusted, nobody could sign in")
        }
        if auth.mode == .token, auth.tokens.entries.isEmpty, auth.tokensFile.isEmpty {
            throw ConfigError(
                source: "auth.mode", key: "auth.mode",
                reason: "token mode needs token hashes in auth.tokens or auth.tokens_file")
        }
    }

    /// Applies `HOMEPORT_*` variables; an unknown one is an error, since it is most likely a typo.
    mutating func apply(environment: [String: String]) throws(ConfigError) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where name.hasPrefix("HOMEPORT_") && name != Self.fileVariable {
            guard let setting = Setting.byVariable[name] else {
                throw ConfigError(
                    source: name, key: "",
                    reason: "unknown variable; the known ones are listed in docs/configuration.md")
            }
            do {
                try setting.apply(&self, value, nil)
            } catch {
                throw ConfigError(source: name, key: setting.path, reason: error.reason)
            }
        }
    }

    mutating func apply(fileAt path: String, required: Bool) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw ConfigError(source: path, key: "", reason: "cannot read the configuration file") }
            return
        }
        let document: YAMLNode?
        do {
            document = try YAML.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigError(source: "\(path):\(error.line)", key: "", reason: error.reason)
        }
        guard let document, !document.isNull else { return }
        let baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try apply(node: document, prefix: "", file: path, baseDirectory: baseDirectory)
    }

    private mutating func apply(node: YAMLNode, prefix: String, file: String, baseDirectory: String) throws(ConfigError)
    {
        guard let pairs = node.mapping else {
            throw ConfigError(
                source: "\(file):\(node.mark.line)", key: prefix,
                reason: "expected a mapping of keys, found a \(node.shapeName)")
        }
        for (keyNode, valueNode) in pairs {
            let name = keyNode.string ?? ""
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            let source = "\(file):\(keyNode.mark.line)"
            if let setting = Setting.byPath[path], setting.isList, let items = valueNode.sequence {
                // A YAML list stands for the comma-separated text the environment variable takes.
                guard items.allSatisfy({ $0.string != nil }) else {
                    throw ConfigError(source: source, key: path, reason: "expected a list of single values")
                }
                do {
                    try setting.apply(&self, items.compactMap(\.string).joined(separator: ","), baseDirectory)
                } catch {
                    throw ConfigError(source: source, key: path, reason: error.reason)
                }
            } else if let setting = Setting.byPath[path] {
                guard let text = valueNode.string, valueNode.mapping == nil, valueNode.sequence == nil else {
                    throw ConfigError(
                        source: source, key: path, reason: "expected a single value, found a \(valueNode.shapeName)")
                }
                do {
                    try setting.apply(&self, text, baseDirectory)
                } catch {
                    throw ConfigError(source: source, key: path, reason: error.reason)
                }
            } else if Setting.sections.contains(path) {
                try apply(node: valueNode, prefix: path, file: file, baseDirectory: baseDirectory)
            } else {
                throw ConfigError(source: source, key: path, reason: "unknown key")
            }
        }
    }
}

/// Why one value was refused.
struct SettingError: Error {
    var reason: String
}

/// One configuration key: its path, and how a text value is checked and stored.
struct Setting: Sendable {
    let path: String
    /// Takes a comma-separated list, which the file may also write as a YAML list.
    var isList = false
    /// Stores the value; `baseDirectory` is set for values from a file, to resolve relative paths.
    let apply: @Sendable (inout HomeportConfig, String, String?) throws(SettingError) -> Void

    var variable: String {
        "HOMEPORT_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let all: [Setting] = [
        text("server.host", \.server.host),
        url("server.public_url", \.server.publicURL),
        Setting(path: "server.port") { config, value, _ throws(SettingError) in
            guard let port = Int(value), (1...65535).contains(port) else {
                throw SettingError(reason: "expected a port number from 1 to 65535, got '\(value)'")
            }
            config.server.port = port
        },
        path("data_dir", \.dataDir),
        flag("data_dir_allow_network_fs", \.dataDirAllowNetworkFS),
        optionalPath("resources_dir", \.resourcesDir),
        path("platform.root", \.platform.root),
        text("platform.catalog", \.platform.catalog),
        text("platform.adr_dir", \.platform.adrDir),
        text("platform.inventory", \.platform.inventory),
        text("platform.services", \.platform.services),
        text("platform.dashboards_dir", \.platform.dashboardsDir),
        text("platform.gitops_apps_dir", \.platform.gitopsAppsDir),
        url("ollama.url", \.ollama.url),
        text("ollama.model", \.ollama.model),
        seconds("ollama.connect_timeout_seconds", \.ollama.connectTimeoutSeconds),
        seconds("ollama.first_token_timeout_seconds", \.ollama.firstTokenTimeoutSeconds),
        seconds("ollama.total_timeout_seconds", \.ollama.totalTimeoutSeconds),
        count("ollama.concurrency", \.ollama.concurrency, range: 1...16),
        Setting(path: "gitops.provider") { config, value, _ throws(SettingError) in
            guard let provider = HomeportConfig.GitOps.Provider(rawValue: value) else {
                throw SettingError(reason: "expected git, github or gitea, got '\(value)'")
            }
            config.gitops.provider = provider
        },
        flag("gitops.auto_pr", \.gitops.autoPR),
        text("gitops.base_branch", \.gitops.baseBranch),
        text("gitops.path", \.gitops.path),
        count("gitops.retry_attempts", \.gitops.retryAttempts, range: 1...100),
        seconds("gitops.retry_max_seconds", \.gitops.retryMaxSeconds),
        seconds("gitops.retry_first_seconds", \.gitops.retryFirstSeconds),
        seconds("gitops.poll_seconds", \.gitops.pollSeconds),
        optionalPath("gitops.webhook_secret_file", \.gitops.webhookSecretFile),
        seconds("gitops.degraded_after_seconds", \.gitops.degradedAfterSeconds),
        optionalPath("gitops.git.repository", \.gitops.git.repository),
        optionalText("gitops.git.remote", \.gitops.git.remote),
        url("gitops.github.api_url", \.gitops.github.apiURL),
        optionalText("gitops.github.repository", \.gitops.github.repository),
        text("gitops.github.token_env", \.gitops.github.tokenEnv),
        optionalPath("gitops.github.token_file", \.gitops.github.tokenFile),
        url("gitops.gitea.api_url", \.gitops.gitea.apiURL),
        optionalText("gitops.gitea.repository", \.gitops.gitea.repository),
        text("gitops.gitea.token_env", \.gitops.gitea.tokenEnv),
        optionalPath("gitops.gitea.token_file", \.gitops.gitea.tokenFile),
        text("policy.namespace", \.policy.namespace),
        list("policy.ingress_domains", \.policy.ingressDomains, atLeastOne: true) { domain throws(SettingError) in
            guard DNSName.isHostname(domain) else {
                throw SettingError(reason: "'\(domain)' is not a domain name (lowercase letters, digits, '-' and '.')")
            }
        },
        list("policy.service_types", \.policy.serviceTypes, atLeastOne: true) { type throws(SettingError) in
            if type == "ExternalName" {
                throw SettingError(
                    reason: "ExternalName cannot be allowed: it lets an app alias any name, cluster services included")
            }
            guard ["ClusterIP", "NodePort", "LoadBalancer"].contains(type) else {
                throw SettingError(reason: "expected ClusterIP, NodePort or LoadBalancer, got '\(type)'")
            }
        },
        list("policy.storage_classes", \.policy.storageClasses, atLeastOne: false) { name throws(SettingError) in
            guard DNSName.isHostname(name) else {
                throw SettingError(
                    reason: "'\(name)' is not a storage class name (lowercase letters, digits, '-' and '.')")
            }
        },
        count("jobs.queue_limit", \.jobs.queueLimit, range: 1...10_000),
        flag("auth.allow_anonymous_remote", \.auth.allowAnonymousRemote),
        // Authentication (ADR 0004).
        Setting(path: "auth.mode") { config, value, _ throws(SettingError) in
            guard let mode = AuthMode(rawValue: value) else {
                throw SettingError(reason: "expected none, proxy or token, got '\(value)'")
            }
            config.auth.mode = mode
        },
        flag("auth.read_requires_user", \.auth.readRequiresUser),
        text("auth.proxy.user_header", \.auth.proxy.userHeader),
        text("auth.proxy.email_header", \.auth.proxy.emailHeader),
        Setting(path: "auth.proxy.trusted_addresses") { config, value, _ throws(SettingError) in
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            var ranges: [AddressRange] = []
            for item in items {
                guard let range = AddressRange(item) else {
                    throw SettingError(reason: "'\(item)' is not an IP address or CIDR block (10.0.0.0/8, fd00::/8)")
                }
                ranges.append(range)
            }
            config.auth.proxy.trustedAddresses = ranges
        },
        Setting(path: "auth.tokens") { config, value, _ throws(SettingError) in
            do throws(APITokens.ParseError) { config.auth.tokens = try APITokens.parse(value) } catch {
                throw SettingError(reason: error.reason)
            }
        },
        optionalPath("auth.tokens_file", \.auth.tokensFile),
        Setting(path: "auth.admins") { config, value, _ throws(SettingError) in
            let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            if let bad = names.first(where: { !Identity.isValidName($0) }) {
                throw SettingError(
                    reason: "'\(bad)' is not a user name (1 to 200 characters, no control or format characters)")
            }
            config.auth.admins = names
        },
        count("jobs.per_user_limit", \.jobs.perUserLimit, range: 1...10_000),
        seconds("jobs.shutdown_grace_seconds", \.jobs.shutdownGraceSeconds),
        seconds("server.idle_timeout_seconds", \.server.idleTimeoutSeconds),
        Setting(path: "log.level") { config, value, _ throws(SettingError) in
            guard let level = HomeportConfig.LogLevel(rawValue: value.lowercased()) else {
                let known = HomeportConfig.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw SettingError(reason: "expected one of \(known), got '\(value)'")
            }
            config.log.level = level
        },
        Setting(path: "log.requests") { config, value, _ throws(SettingError) in
            guard let logging = HomeportConfig.RequestLogging(rawValue: value.lowercased()) else {
                let known = HomeportConfig.RequestLogging.allCases.map(\.rawValue).joined(separator: ", ")
                throw SettingError(reason: "expected one of \(known), got '\(value)'")
            }
            config.log.requests = logging
        },
        // Live status (issue 4): each integration is off while its URL is empty.
        flag("status.service_checks", \.status.serviceChecks),
        seconds("status.interval_seconds", \.status.intervalSeconds),
        seconds("status.timeout_seconds", \.status.timeoutSeconds),
        count("status.window", \.status.window, range: 2...10_000),
        optionalPath("status.ca_file", \.status.caFile),
        optionalURL("kubernetes.api_url", \.kubernetes.apiURL),
        optionalPath("kubernetes.token_file", \.kubernetes.tokenFile),
        optionalPath("kubernetes.ca_file", \.kubernetes.caFile),
        optionalURL("prometheus.url", \.prometheus.url),
        optionalURL("alertmanager.url", \.alertmanager.url),
        optionalURL("argocd.url", \.argocd.url),
        text("argocd.token_env", \.argocd.tokenEnv),
        optionalPath("argocd.token_file", \.argocd.tokenFile),
        // The homelab's CA and the scheduled backups (issue 12).
        optionalPath("tls.ca_file", \.tls.caFile),
        optionalPath("backup.dir", \.backup.dir),
        Setting(path: "backup.interval_hours") { config, value, _ throws(SettingError) in
            guard let hours = Double(value), hours > 0, hours <= 24 * 365 else {
                throw SettingError(
                    reason: "expected a number of hours above 0 (fractions allowed: 0.5 is 30 minutes), got '\(value)'")
            }
            config.backup.intervalHours = hours
        },
        count("backup.keep", \.backup.keep, range: 1...10_000),
    ]

    static let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
    static let byVariable = Dictionary(uniqueKeysWithValues: all.map { ($0.variable, $0) })
    /// Every dotted prefix that groups keys (`server`, `platform`...).
    static let sections: Set<String> = Set(
        all.flatMap { setting in
            let parts = setting.path.split(separator: ".").dropLast()
            return parts.indices.map { parts[...$0].joined(separator: ".") }
        })

    private static func text(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable) -> Setting {
        Setting(path: path) { config, value, _ throws(SettingError) in
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw SettingError(reason: "must not be empty")
            }
            config[keyPath: keyPath] = value
        }
    }

    /// Comma-separated values, each checked by `check`; spaces around them are dropped.
    private static func list(
        _ path: String, _ keyPath: WritableKeyPath<HomeportConfig, [String]> & Sendable, atLeastOne: Bool,
        _ check: @escaping @Sendable (String) throws(SettingError) -> Void
    ) -> Setting {
        Setting(path: path, isList: true) { config, value, _ throws(SettingError) in
            let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            if atLeastOne, items.isEmpty { throw SettingError(reason: "must name at least one") }
            for item in items { try check(item) }
            config[keyPath: keyPath] = items
        }
    }

    private static func optionalText(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable)
        -> Setting
    {
        Setting(path: path) { config, value, _ throws(SettingError) in
            config[keyPath: keyPath] = value.trimmingCharacters(in: .whitespaces)
        }
    }

    /// An http(s) address; a trailing slash is dropped so paths can be appended.
    private static func url(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable) -> Setting {
        Setting(path: path) { config, value, _ throws(SettingError) in
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw SettingError(reason: "expected an http or https URL, got '\(value)'")
            }
            config[keyPath: keyPath] = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
    }

    private static func seconds(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, Double> & Sendable)
        -> Setting
    {
        Setting(path: path) { config, value, _ throws(SettingError) in
            guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
                throw SettingError(reason: "expected a number of seconds above 0, got '\(value)'")
            }
            config[keyPath: keyPath] = seconds
        }
    }

    private static func count(
        _ path: String, _ keyPath: WritableKeyPath<HomeportConfig, Int> & Sendable, range: ClosedRange<Int>
    ) -> Setting {
        Setting(path: path) { config, value, _ throws(SettingError) in
            guard let number = Int(value), range.contains(number) else {
                throw SettingError(
                    reason: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(value)'")
            }
            config[keyPath: keyPath] = number
        }
    }

    private static func flag(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, Bool> & Sendable) -> Setting {
        Setting(path: path) { config, value, _ throws(SettingError) in
            switch value.lowercased() {
            case "true", "yes", "1": config[keyPath: keyPath] = true
            case "false", "no", "0": config[keyPath: keyPath] = false
            default: throw SettingError(reason: "expected true or false, got '\(value)'")
            }
        }
    }

    /// An http(s) address that may be left empty (the integration is off).
    private static func optionalURL(_ name: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable)
        -> Setting
    {
        allowingEmpty(url(name, keyPath), keyPath)
    }

    /// A path that may be left empty (unset).
    private static func optionalPath(_ name: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable)
        -> Setting
    {
        allowingEmpty(path(name, keyPath), keyPath)
    }

    /// `setting`, except that an empty value unsets the key instead of being checked.
    private static func allowingEmpty(_ setting: Setting, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable)
        -> Setting
    {
        Setting(path: setting.path) { config, value, baseDirectory throws(SettingError) in
            if value.trimmingCharacters(in: .whitespaces).isEmpty {
                config[keyPath: keyPath] = ""
            } else {
                try setting.apply(&config, value, baseDirectory)
            }
        }
    }

    /// A filesystem path; relative paths in the configuration file are relative to that file.
    private static func path(_ path: String, _ keyPath: WritableKeyPath<HomeportConfig, String> & Sendable) -> Setting {
        Setting(path: path) { config, value, baseDirectory throws(SettingError) in
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw SettingError(reason: "must not be empty")
            }
            if let baseDirectory, !value.hasPrefix("/") {
                config[keyPath: keyPath] =
                    URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: baseDirectory, isDirectory: true))
                    .standardized.path
            } else {
                config[keyPath: keyPath] = value
            }
        }
    }
}

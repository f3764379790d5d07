/// Everything Homeport reads at start, with defaults that serve the bundled example homelab.
///
/// Each key has a dotted path (`server.port`) used in `homeport.yaml` and in its environment
/// variable (`HOMEPORT_SERVER_PORT`); `docs/configuration.md` lists them all.
public struct HomeportConfig: Sendable, Equatable {
    public var server = Server()
    /// Folder for the database and other state.
    public var dataDir = ".homeport"
    /// Folder holding `Templates/`, `Public/` and `migrations/`.
    public var resourcesDir = "."
    public var platform = Platform()
    public var log = Log()

    public struct Server: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8080
    }

    /// Where the platform repository's pieces live; paths below `root` are relative to it.
    public struct Platform: Sendable, Equatable {
        public var root = "examples/homelab"
        public var catalog = "catalog/locations.yaml"
        public var adrDir = "docs/adr"
        public var inventory = "platform/inventory.yaml"
        public var services = "platform/services.yaml"
        public var dashboardsDir = "monitoring/dashboards"
        public var gitopsAppsDir = "gitops/apps"
    }

    public struct Log: Sendable, Equatable {
        public var level = LogLevel.info
    }

    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public init() {}
}

/// A configuration value that stops the start, with where it came from.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file and line, or the environment variable, that held the value.
    public var source: String
    /// The key's dotted path, as written (empty when the file itself is unreadable).
    public var key: String
    public var reason: String

    public init(source: String, key: String, reason: String) {
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "\(source): \(reason)" : "\(source): \(key): \(reason)"
    }
}

import Auth

/// Everything Homeport reads at start, with defaults that serve the bundled example homelab.
///
/// Each key has a dotted path (`server.port`) used in `homeport.yaml` and in its environment
/// variable (`HOMEPORT_SERVER_PORT`); `docs/configuration.md` lists them all.
public struct HomeportConfig: Sendable, Equatable {
    public var server = Server()
    /// Folder for the database and other state.
    public var dataDir = ".homeport"
    /// Accept a `dataDir` on a network file system (NFS, SMB), where SQLite's locking is unreliable.
    public var dataDirAllowNetworkFS = false
    /// The database file inside `dataDir`: `serve`, `migrate` and `backup` open this one path.
    public var databasePath: String { dataDir + "/homeport.sqlite" }
    /// Folder holding `Templates/`, `Public/` and `migrations/`; `load` fills it in when the
    /// configuration leaves it empty (see `ResourceLocation`).
    public var resourcesDir = ""
    public var platform = Platform()
    public var log = Log()
    public var ollama = Ollama()
    public var gitops = GitOps()
    public var policy = Policy()
    public var jobs = Jobs()
    public var auth = Auth()
    public var status = Status()
    public var kubernetes = Kubernetes()
    public var prometheus = Upstream()
    public var alertmanager = Upstream()
    public var argocd = ArgoCD()
    public var tls = TLS()
    public var backup = Backup()

    public struct Server: Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The portal's address as reviewers reach it, for links in pull requests.
        public var publicURL = "http://127.0.0.1:8080"
        /// A connection that sends nothing for this long (a slow or stuck client) is closed, and
        /// a request body must arrive within it.
        public var idleTimeoutSeconds = 30.0
    }

    /// The model server that drafts manifests.
    public struct Ollama: Sendable, Equatable {
        public var url = "http://127.0.0.1:11434"
        public var model = "qwen2.5-coder:7b"
        public var connectTimeoutSeconds = 5.0
        public var firstTokenTimeoutSeconds = 120.0
        public var totalTimeoutSeconds = 600.0
        /// Generations at once; the GPU box serves one at a time well.
        public var concurrency = 1
    }

    /// Where pull requests go.
    public struct GitOps: Sendable, Equatable {
        public var provider = Provider.git
        /// Open the pull request as soon as the manifests pass (false: show a preview first).
        public var autoPR = false
        public var baseBranch = "main"
        /// Folder of the repository new apps go into.
        public var path = "gitops/apps/ai-generated"
        /// Attempts in all at opening a pull request when the forge fails transiently (down,
        /// timing out, 5xx, rate limited); retries wait longer each time and survive restarts.
        public var retryAttempts = 8
        /// No retry starts later than this many seconds after the first failure.
        public var retryMaxSeconds = 21_600.0
        /// The wait after the first transient failure; each following wait doubles.
        public var retryFirstSeconds = 30.0
        public var git = LocalGit()
        /// Seconds between two looks at the open pull requests and at Argo CD (the request follower).
        public var pollSeconds = 60.0
        /// File holding the secret the forges sign webhooks with; empty: `/hooks/*` answer 404.
        public var webhookSecretFile = ""
        /// Seconds after the merge before Argo CD's Degraded or Missing makes a request `degraded`.
        public var degradedAfterSeconds = 600.0
        public var github = Forge(apiURL: "https://api.github.com", tokenEnv: "GITHUB_TOKEN")
        public var gitea = Forge(apiURL: "https://gitea.homelab.local/api/v1", tokenEnv: "GITEA_TOKEN")

        public enum Provider: String, Sendable, CaseIterable {
            case git, github, gitea
        }

        /// The embedded provider: a local repository through the `git` command.
        public struct LocalGit: Sendable, Equatable {
            /// Path of the repository; empty means `<data_dir>/gitops.git`, created from the platform root.
            public var repository = ""
            /// Remote to push branches to; empty for none.
            public var remote = ""
        }

        /// A hosted forge (GitHub or Gitea) reached over its REST API.
        public struct Forge: Sendable, Equatable {
            public var apiURL: String
            /// `owner/name`.
            public var repository = ""
            /// Environment variable holding the token.
            public var tokenEnv: String
            /// File holding the token (read when set; wins over the variable).
            public var tokenFile = ""
        }
    }

    /// Who may use the portal (ADR 0004). With `mode: none`, Homeport refuses to listen anywhere
    /// but loopback unless `allowAnonymousRemote`, since anyone reaching it could open PRs.
    public struct Auth: Sendable, Equatable {
        public var mode = AuthMode.none
        public var allowAnonymousRemote = false
        /// Reading pages needs a user too; writing always does when a mode is set.
        public var readRequiresUser = false
        public var proxy = Proxy()
        /// API token hashes written in the configuration (`NAME:SHA256`, comma-separated).
        public var tokens = APITokens()
        /// A file of token hashes, one `NAME:SHA256` a line, read again when it changes.
        public var tokensFile = ""
        /// Users (or token names) who may cancel, retry or open the pull request of anyone's
        /// request; everyone else acts on their own requests only (`proxy` and `token` modes).
        public var admins: [String] = []

        /// The authenticating reverse proxy (oauth2-proxy, Authelia, Traefik forward-auth).
        public struct Proxy: Sendable, Equatable {
            public var userHeader = "X-Forwarded-User"
            public var emailHeader = "X-Forwarded-Email"
            /// Peers whose user headers are believed; requests from anyone else are anonymous.
            public var trustedAddresses = [AddressRange("127.0.0.1")!, AddressRange("::1")!]
        }
    }

    public struct Jobs: Sendable, Equatable {
        /// Most app requests waiting or in work; beyond it submissions get 429.
        public var queueLimit = 50
        /// Most requests one signed-in user may have waiting or in work.
        public var perUserLimit = 3
        /// On SIGTERM, how long running jobs may take to finish before they are stopped (and
        /// resumed at the next start).
        public var shutdownGraceSeconds = 10.0
    }

    public struct Policy: Sendable, Equatable {
        public var namespace = "ai-generated"
        /// Domains an app's Ingress hosts must lie under (`web.homelab.local`).
        public var ingressDomains = ["homelab.local"]
        /// Service types apps may use; ExternalName is never allowed.
        public var serviceTypes = ["ClusterIP"]
        /// Storage classes claims may name (k3s's `local-path`); leaving the class unset, for the
        /// cluster's default, is always allowed. Empty: only that.
        public var storageClasses = ["local-path"]
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

    /// Live status: how often the pollers run and what they keep. Each integration below is off
    /// while its URL is empty.
    public struct Status: Sendable, Equatable {
        /// Run the checks `platform/services.yaml` declares.
        public var serviceChecks = false
        public var intervalSeconds = 30.0
        public var timeoutSeconds = 10.0
        /// Checks kept per service, for uptime and the latency sparkline.
        public var window = 60
        /// PEM bundle of CAs for Prometheus, Alertmanager and Argo CD; empty: the system's.
        public var caFile = ""
    }

    /// The Kubernetes API, read-only; the defaults are a pod's service account.
    public struct Kubernetes: Sendable, Equatable {
        public var apiURL = ""
        public var tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"
        public var caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
    }

    /// An optional upstream known by its URL alone (Prometheus, Alertmanager).
    public struct Upstream: Sendable, Equatable {
        public var url = ""
    }

    public struct ArgoCD: Sendable, Equatable {
        public var url = ""
        public var tokenEnv = "ARGOCD_TOKEN"
        public var tokenFile = ""
    }

    /// Trust for every outbound HTTPS call (Git providers, Ollama, service checks, Prometheus,
    /// Alertmanager, Argo CD, Kubernetes).
    public struct TLS: Sendable, Equatable {
        /// PEM bundle of CAs trusted in addition to the system's (the homelab's CA); empty: the
        /// system's alone. Per-integration CA keys (`status.ca_file`, `kubernetes.ca_file`, a
        /// service check's `ca_bundle`) replace it for their calls.
        public var caFile = ""
    }

    /// Online copies of the database taken by the running server.
    public struct Backup: Sendable, Equatable {
        /// Folder the copies go to; empty: no scheduled backups.
        public var dir = ""
        /// Time between two copies; fractions allowed (0.5 is every 30 minutes).
        public var intervalHours = 24.0
        /// Copies kept: the newest `keep`; older ones are deleted after each success.
        public var keep = 7
    }

    public struct Log: Sendable, Equatable {
        public var level = LogLevel.info
        /// Which requests get a line of their own.
        public var requests = RequestLogging.errors

        public init() {}
    }

    /// Which requests get a log line (`log.requests`).
    public enum RequestLogging: String, Sendable, CaseIterable {
        /// Every request, as an access log: one formatted line and one write each.
        case all
        /// Answers with a status of 400 or more: a page served well costs no log line.
        case errors
        /// None; unexpected errors are still logged where they happen.
        case none
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

import RequestValues

/// What to deploy, field by field: what the intent engine resolves from a description (and the
/// template engine from the form). `TemplateGenerator` writes the manifests from it alone, so
/// every field here is one the platform allows; what the platform forbids has no field.
public struct AppIntent: Sendable, Equatable, Codable {
    public var name: String
    public var image: String
    /// The first is the app's main port: the Ingress routes to it and the health check uses it.
    public var ports: [Port]
    public var replicas: Int
    /// Ingress hosts; empty for an app reached only inside the cluster.
    public var hosts: [String]
    public var health: HealthCheck
    public var volumes: [Volume]
    public var environment: [AppSpec.EnvironmentVariable]
    /// Files mounted from a ConfigMap.
    public var configFiles: [ConfigFile]
    public var command: [String]
    public var args: [String]
    public var size: ResourceSize
    public var autoscaling: Autoscaling?
    /// The user the image runs as, when known (known images); set on the pod.
    public var runAsUser: Int?

    public struct Port: Sendable, Equatable, Codable {
        /// A DNS-1123 label of at most 15 characters, unique in the pod.
        public var name: String
        public var number: Int
        /// `TCP` or `UDP`.
        public var `protocol`: String

        public init(name: String, number: Int, protocol: String = "TCP") {
            self.name = name
            self.number = number
            self.protocol = `protocol`
        }
    }

    public enum HealthCheck: Sendable, Equatable, Codable {
        /// An HTTP GET on the main port.
        case http(path: String)
        /// A TCP connection to the main port.
        case tcp
    }

    public struct Volume: Sendable, Equatable, Codable {
        /// `5Gi`.
        public var size: String
        public var mountPath: String

        public init(size: String, mountPath: String) {
            self.size = size
            self.mountPath = mountPath
        }
    }

    public struct ConfigFile: Sendable, Equatable, Codable {
        /// Absolute path in the container.
        public var path: String
        public var content: String

        public init(path: String, content: String) {
            self.path = path
            self.content = content
        }
    }

    public struct Autoscaling: Sendable, Equatable, Codable {
        public var minReplicas: Int
        public var maxReplicas: Int
        /// Average CPU use, in percent of the request, the autoscaler aims for.
        public var targetCPU: Int

        public init(minReplicas: Int, maxReplicas: Int, targetCPU: Int) {
            self.minReplicas = minReplicas
            self.maxReplicas = maxReplicas
            self.targetCPU = targetCPU
        }
    }

    public init(
        name: String, image: String, ports: [Port], replicas: Int = AppSpec.defaultReplicas, hosts: [String],
        health: HealthCheck = .tcp, volumes: [Volume] = [], environment: [AppSpec.EnvironmentVariable] = [],
        configFiles: [ConfigFile] = [], command: [String] = [], args: [String] = [], size: ResourceSize = .small,
        autoscaling: Autoscaling? = nil, runAsUser: Int? = nil
    ) {
        self.name = name
        self.image = image
        self.ports = ports
        self.replicas = replicas
        self.hosts = hosts
        self.health = health
        self.volumes = volumes
        self.environment = environment
        self.configFiles = configFiles
        self.command = command
        self.args = args
        self.size = size
        self.autoscaling = autoscaling
        self.runAsUser = runAsUser
    }

    /// The template engine's intent: the form's fields, one HTTP port, a TCP health check.
    public init(spec: AppSpec) {
        self.init(
            name: spec.name, image: spec.image,
            ports: [Port(name: "http", number: spec.port ?? AppSpec.defaultPort)],
            replicas: spec.replicas ?? AppSpec.defaultReplicas, hosts: [spec.host],
            volumes: spec.volumeSize.map { [Volume(size: $0, mountPath: "/data")] } ?? [],
            environment: spec.environment, size: spec.size)
    }
}

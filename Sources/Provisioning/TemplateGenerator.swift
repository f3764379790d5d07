import RequestValues
import YAML

/// Writes Kubernetes manifests from an `AppIntent` (the `template` engine's, from the form's
/// fields, or the intent engine's, from a description), and a catalog entry from the form.
///
/// Deterministic (same intent, byte-identical output) and written to pass the policy without
/// warnings: restricted security context, resources from the size preset, probes, TLS through
/// cert-manager's `homelab-ca` issuer and Traefik.
public enum TemplateGenerator {
    /// Multi-document YAML: Deployment, Service, Ingress, and a ConfigMap and PVC when asked for.
    public static func manifests(for spec: AppSpec, namespace: String) -> String {
        manifests(for: AppIntent(spec: spec), namespace: namespace)
    }

    /// Deployment and Service; an Ingress when the intent has hosts; ConfigMaps for the
    /// environment and the config files; a PVC per volume; a HorizontalPodAutoscaler when it scales.
    public static func manifests(for intent: AppIntent, namespace: String) -> String {
        var documents = [deployment(intent, namespace), service(intent, namespace)]
        if !intent.hosts.isEmpty { documents.append(ingress(intent, namespace)) }
        if !intent.environment.isEmpty { documents.append(configMap(intent, namespace)) }
        if !intent.configFiles.isEmpty { documents.append(filesConfigMap(intent, namespace)) }
        for index in intent.volumes.indices { documents.append(volumeClaim(intent, index, namespace)) }
        if let autoscaling = intent.autoscaling { documents.append(autoscaler(intent, autoscaling, namespace)) }
        return documents.map(YAMLWriter.string).joined(separator: "---\n")
    }

    /// A Backstage Component for the new app, so it shows in the catalog once merged.
    public static func catalogEntry(for spec: AppSpec) -> String {
        typealias Y = YAMLBuilder
        let entity = Y.map([
            ("apiVersion", Y.text("backstage.io/v1alpha1")),
            ("kind", Y.text("Component")),
            (
                "metadata",
                Y.map([
                    ("name", Y.text(spec.name)),
                    ("description", spec.description.isEmpty ? nil : Y.text(spec.description)),
                    (
                        "annotations",
                        Y.map([
                            ("argocd/app-name", Y.text("ai-generated")),
                            ("homeport/generated-by", Y.text(spec.engine.rawValue)),
                        ])
                    ),
                    (
                        "links",
                        Y.list([Y.map([("url", Y.text("https://\(spec.host)")), ("title", Y.text(spec.name))])])
                    ),
                ])
            ),
            (
                "spec",
                Y.map([
                    ("type", Y.text("service")),
                    ("lifecycle", Y.text("experimental")),
                    ("owner", Y.text(spec.owner)),
                ])
            ),
        ])
        return YAMLWriter.string(entity)
    }

    private typealias Y = YAMLBuilder

    private static func metadata(_ intent: AppIntent, _ namespace: String, name: String? = nil) -> YAMLNode {
        Y.map([("name", Y.text(name ?? intent.name)), ("namespace", Y.text(namespace)), ("labels", labels(intent))])
    }

    private static func labels(_ intent: AppIntent) -> YAMLNode {
        Y.map([("app.kubernetes.io/name", Y.text(intent.name)), ("app.kubernetes.io/managed-by", Y.text("homeport"))])
    }

    /// The claim and volume names of the intent's `index`th volume: `data`, `data-2`...
    private static func volumeName(_ index: Int) -> String { index == 0 ? "data" : "data-\(index + 1)" }

    /// The ConfigMap key of each config file: its file name, made unique.
    static func configKeys(_ files: [AppIntent.ConfigFile]) -> [String] {
        var seen: Set<String> = []
        return files.enumerated().map { index, file in
            let base = String(file.path.split(separator: "/").last ?? "file")
            let key = seen.contains(base) ? "\(index + 1)-\(base)" : base
            seen.insert(key)
            return key
        }
    }

    private static func deployment(_ intent: AppIntent, _ namespace: String) -> YAMLNode {
        let main = intent.ports.first ?? AppIntent.Port(name: "http", number: AppSpec.defaultPort)
        let handler: (String, YAMLNode) =
            switch intent.health {
            case .tcp: ("tcpSocket", Y.map([("port", Y.text(main.name))]))
            case .http(let path): ("httpGet", Y.map([("path", Y.text(path)), ("port", Y.text(main.name))]))
            }
        let probe = Y.map([handler, ("initialDelaySeconds", Y.number(5)), ("periodSeconds", Y.number(10))])
        var mounts: [YAMLNode] = []
        var volumes: [YAMLNode] = []
        for (index, volume) in intent.volumes.enumerated() {
            let name = volumeName(index)
            mounts.append(Y.map([("name", Y.text(name)), ("mountPath", Y.text(volume.mountPath))]))
            volumes.append(
                Y.map([
                    ("name", Y.text(name)),
                    ("persistentVolumeClaim", Y.map([("claimName", Y.text("\(intent.name)-\(name)"))])),
                ]))
        }
        if !intent.configFiles.isEmpty {
            for (file, key) in zip(intent.configFiles, configKeys(intent.configFiles)) {
                mounts.append(
                    Y.map([
                        ("name", Y.text("files")), ("mountPath", Y.text(file.path)), ("subPath", Y.text(key)),
                        ("readOnly", Y.flag(true)),
                    ]))
            }
            volumes.append(
                Y.map([("name", Y.text("files")), ("configMap", Y.map([("name", Y.text("\(intent.name)-files"))]))]))
        }
        let container = Y.map([
            ("name", Y.text(intent.name)),
            ("image", Y.text(intent.image)),
            ("command", intent.command.isEmpty ? nil : Y.list(intent.command.map(Y.text))),
            ("args", intent.args.isEmpty ? nil : Y.list(intent.args.map(Y.text))),
            (
                "ports",
                Y.list(
                    intent.ports.map { port in
                        Y.map([
                            ("name", Y.text(port.name)), ("containerPort", Y.number(port.number)),
                            ("protocol", Y.text(port.protocol)),
                        ])
                    })
            ),
            (
                "envFrom",
                intent.environment.isEmpty
                    ? nil : Y.list([Y.map([("configMapRef", Y.map([("name", Y.text("\(intent.name)-config"))]))])])
            ),
            (
                "resources",
                Y.map([
                    (
                        "requests",
                        Y.map([
                            ("cpu", Y.text(intent.size.requests.cpu)), ("memory", Y.text(intent.size.requests.memory)),
                        ])
                    ),
                    (
                        "limits",
                        Y.map([("cpu", Y.text(intent.size.limits.cpu)), ("memory", Y.text(intent.size.limits.memory))])
                    ),
                ])
            ),
            ("readinessProbe", probe),
            ("livenessProbe", probe),
            (
                "securityContext",
                Y.map([
                    ("allowPrivilegeEscalation", Y.flag(false)),
                    ("capabilities", Y.map([("drop", Y.list([Y.text("ALL")]))])),
                ])
            ),
            ("volumeMounts", mounts.isEmpty ? nil : Y.list(mounts)),
        ])
        let user = intent.runAsUser
        return Y.map([
            ("apiVersion", Y.text("apps/v1")),
            ("kind", Y.text("Deployment")),
            ("metadata", metadata(intent, namespace)),
            (
                "spec",
                Y.map([
                    ("replicas", Y.number(intent.autoscaling?.minReplicas ?? intent.replicas)),
                    ("selector", Y.map([("matchLabels", Y.map([("app.kubernetes.io/name", Y.text(intent.name))]))])),
                    (
                        "template",
                        Y.map([
                            ("metadata", Y.map([("labels", labels(intent))])),
                            (
                                "spec",
                                Y.map([
                                    (
                                        "securityContext",
                                        Y.map([
                                            ("runAsNonRoot", Y.flag(true)),
                                            ("runAsUser", user.map(Y.number)),
                                            ("runAsGroup", user.map(Y.number)),
                                            ("fsGroup", intent.volumes.isEmpty ? nil : user.map(Y.number)),
                                            ("seccompProfile", Y.map([("type", Y.text("RuntimeDefault"))])),
                                        ])
                                    ),
                                    ("containers", Y.list([container])),
                                    ("volumes", volumes.isEmpty ? nil : Y.list(volumes)),
                                ])
                            ),
                        ])
                    ),
                ])
            ),
        ])
    }

    /// The main port answers on 80 behind the Ingress (as the template always did); a port of an
    /// app without an Ingress, and every other port, keeps its number.
    private static func service(_ intent: AppIntent, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("Service")),
            ("metadata", metadata(intent, namespace)),
            (
                "spec",
                Y.map([
                    ("selector", Y.map([("app.kubernetes.io/name", Y.text(intent.name))])),
                    (
                        "ports",
                        Y.list(
                            intent.ports.enumerated().map { index, port in
                                Y.map([
                                    ("name", Y.text(port.name)),
                                    ("port", Y.number(index == 0 && !intent.hosts.isEmpty ? 80 : port.number)),
                                    ("targetPort", Y.text(port.name)), ("protocol", Y.text(port.protocol)),
                                ])
                            })
                    ),
                ])
            ),
        ])
    }

    private static func ingress(_ intent: AppIntent, _ namespace: String) -> YAMLNode {
        var meta = metadata(intent, namespace)
        if case .mapping(var pairs) = meta.value {
            pairs.append((Y.text("annotations"), Y.map([("cert-manager.io/cluster-issuer", Y.text("homelab-ca"))])))
            meta.value = .mapping(pairs)
        }
        let port = intent.ports.first?.name ?? "http"
        let backend = Y.map([
            ("service", Y.map([("name", Y.text(intent.name)), ("port", Y.map([("name", Y.text(port))]))]))
        ])
        let rules = intent.hosts.map { host in
            Y.map([
                ("host", Y.text(host)),
                (
                    "http",
                    Y.map([
                        (
                            "paths",
                            Y.list([
                                Y.map([
                                    ("path", Y.text("/")), ("pathType", Y.text("Prefix")), ("backend", backend),
                                ])
                            ])
                        )
                    ])
                ),
            ])
        }
        return Y.map([
            ("apiVersion", Y.text("networking.k8s.io/v1")),
            ("kind", Y.text("Ingress")),
            ("metadata", meta),
            (
                "spec",
                Y.map([
                    ("ingressClassName", Y.text("traefik")),
                    (
                        "tls",
                        Y.list([
                            Y.map([
                                ("hosts", Y.list(intent.hosts.map(Y.text))),
                                ("secretName", Y.text("\(intent.name)-tls")),
                            ])
                        ])
                    ),
                    ("rules", Y.list(rules)),
                ])
            ),
        ])
    }

    private static func configMap(_ intent: AppIntent, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("ConfigMap")),
            ("metadata", metadata(intent, namespace, name: "\(intent.name)-config")),
            ("data", Y.map(intent.environment.map { ($0.name, Y.text($0.value)) })),
        ])
    }

    private static func filesConfigMap(_ intent: AppIntent, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("ConfigMap")),
            ("metadata", metadata(intent, namespace, name: "\(intent.name)-files")),
            (
                "data",
                Y.map(zip(configKeys(intent.configFiles), intent.configFiles).map { ($0, Y.text($1.content)) })
            ),
        ])
    }

    private static func volumeClaim(_ intent: AppIntent, _ index: Int, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("PersistentVolumeClaim")),
            ("metadata", metadata(intent, namespace, name: "\(intent.name)-\(volumeName(index))")),
            (
                "spec",
                Y.map([
                    ("accessModes", Y.list([Y.text("ReadWriteOnce")])),
                    ("resources", Y.map([("requests", Y.map([("storage", Y.text(intent.volumes[index].size))]))])),
                ])
            ),
        ])
    }

    private static func autoscaler(_ intent: AppIntent, _ scaling: AppIntent.Autoscaling, _ namespace: String)
        -> YAMLNode
    {
        Y.map([
            ("apiVersion", Y.text("autoscaling/v2")),
            ("kind", Y.text("HorizontalPodAutoscaler")),
            ("metadata", metadata(intent, namespace)),
            (
                "spec",
                Y.map([
                    (
                        "scaleTargetRef",
                        Y.map([
                            ("apiVersion", Y.text("apps/v1")), ("kind", Y.text("Deployment")),
                            ("name", Y.text(intent.name)),
                        ])
                    ),
                    ("minReplicas", Y.number(scaling.minReplicas)),
                    ("maxReplicas", Y.number(scaling.maxReplicas)),
                    (
                        "metrics",
                        Y.list([
                            Y.map([
                                ("type", Y.text("Resource")),
                                (
                                    "resource",
                                    Y.map([
                                        ("name", Y.text("cpu")),
                                        (
                                            "target",
                                            Y.map([
                                                ("type", Y.text("Utilization")),
                                                ("averageUtilization", Y.number(scaling.targetCPU)),
                                            ])
                                        ),
                                    ])
                                ),
                            ])
                        ])
                    ),
                ])
            ),
        ])
    }
}

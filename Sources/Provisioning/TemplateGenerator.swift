import YAML

/// The `template` engine: Kubernetes manifests and a catalog entry from the form's fields alone.
///
/// Deterministic (same spec, byte-identical output) and written to pass the policy without
/// warnings: restricted security context, resources from the size preset, probes, TLS through
/// cert-manager's `homelab-ca` issuer and Traefik.
public enum TemplateGenerator {
    /// Multi-document YAML: Deployment, Service, Ingress, and a ConfigMap and PVC when asked for.
    public static func manifests(for spec: AppSpec, namespace: String) -> String {
        var documents = [deployment(spec, namespace), service(spec, namespace), ingress(spec, namespace)]
        if !spec.environment.isEmpty { documents.append(configMap(spec, namespace)) }
        if spec.volumeSize != nil { documents.append(volumeClaim(spec, namespace)) }
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

    private static func metadata(_ spec: AppSpec, _ namespace: String, name: String? = nil) -> YAMLNode {
        Y.map([("name", Y.text(name ?? spec.name)), ("namespace", Y.text(namespace)), ("labels", labels(spec))])
    }

    private static func labels(_ spec: AppSpec) -> YAMLNode {
        Y.map([("app.kubernetes.io/name", Y.text(spec.name)), ("app.kubernetes.io/managed-by", Y.text("homeport"))])
    }

    private static func deployment(_ spec: AppSpec, _ namespace: String) -> YAMLNode {
        let probe = Y.map([
            ("tcpSocket", Y.map([("port", Y.text("http"))])), ("initialDelaySeconds", Y.number(5)),
            ("periodSeconds", Y.number(10)),
        ])
        var mounts: [YAMLNode] = []
        var volumes: [YAMLNode] = []
        if spec.volumeSize != nil {
            mounts.append(Y.map([("name", Y.text("data")), ("mountPath", Y.text("/data"))]))
            volumes.append(
                Y.map([
                    ("name", Y.text("data")),
                    ("persistentVolumeClaim", Y.map([("claimName", Y.text("\(spec.name)-data"))])),
                ]))
        }
        let container = Y.map([
            ("name", Y.text(spec.name)),
            ("image", Y.text(spec.image)),
            (
                "ports",
                Y.list([
                    Y.map([
                        ("name", Y.text("http")), ("containerPort", Y.number(spec.port ?? AppSpec.defaultPort)),
                        ("protocol", Y.text("TCP")),
                    ])
                ])
            ),
            (
                "envFrom",
                spec.environment.isEmpty
                    ? nil : Y.list([Y.map([("configMapRef", Y.map([("name", Y.text("\(spec.name)-config"))]))])])
            ),
            (
                "resources",
                Y.map([
                    (
                        "requests",
                        Y.map([("cpu", Y.text(spec.size.requests.cpu)), ("memory", Y.text(spec.size.requests.memory))])
                    ),
                    (
                        "limits",
                        Y.map([("cpu", Y.text(spec.size.limits.cpu)), ("memory", Y.text(spec.size.limits.memory))])
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
        return Y.map([
            ("apiVersion", Y.text("apps/v1")),
            ("kind", Y.text("Deployment")),
            ("metadata", metadata(spec, namespace)),
            (
                "spec",
                Y.map([
                    ("replicas", Y.number(spec.replicas ?? AppSpec.defaultReplicas)),
                    ("selector", Y.map([("matchLabels", Y.map([("app.kubernetes.io/name", Y.text(spec.name))]))])),
                    (
                        "template",
                        Y.map([
                            ("metadata", Y.map([("labels", labels(spec))])),
                            (
                                "spec",
                                Y.map([
                                    (
                                        "securityContext",
                                        Y.map([
                                            ("runAsNonRoot", Y.flag(true)),
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

    private static func service(_ spec: AppSpec, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("Service")),
            ("metadata", metadata(spec, namespace)),
            (
                "spec",
                Y.map([
                    ("selector", Y.map([("app.kubernetes.io/name", Y.text(spec.name))])),
                    (
                        "ports",
                        Y.list([
                            Y.map([
                                ("name", Y.text("http")), ("port", Y.number(80)), ("targetPort", Y.text("http")),
                                ("protocol", Y.text("TCP")),
                            ])
                        ])
                    ),
                ])
            ),
        ])
    }

    private static func ingress(_ spec: AppSpec, _ namespace: String) -> YAMLNode {
        var meta = metadata(spec, namespace)
        if case .mapping(var pairs) = meta.value {
            pairs.append((Y.text("annotations"), Y.map([("cert-manager.io/cluster-issuer", Y.text("homelab-ca"))])))
            meta.value = .mapping(pairs)
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
                            Y.map([("hosts", Y.list([Y.text(spec.host)])), ("secretName", Y.text("\(spec.name)-tls"))])
                        ])
                    ),
                    (
                        "rules",
                        Y.list([
                            Y.map([
                                ("host", Y.text(spec.host)),
                                (
                                    "http",
                                    Y.map([
                                        (
                                            "paths",
                                            Y.list([
                                                Y.map([
                                                    ("path", Y.text("/")),
                                                    ("pathType", Y.text("Prefix")),
                                                    (
                                                        "backend",
                                                        Y.map([
                                                            (
                                                                "service",
                                                                Y.map([
                                                                    ("name", Y.text(spec.name)),
                                                                    ("port", Y.map([("name", Y.text("http"))])),
                                                                ])
                                                            )
                                                        ])
                                                    ),
                                                ])
                                            ])
                                        )
                                    ])
                                ),
                            ])
                        ])
                    ),
                ])
            ),
        ])
    }

    private static func configMap(_ spec: AppSpec, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("ConfigMap")),
            ("metadata", metadata(spec, namespace, name: "\(spec.name)-config")),
            ("data", Y.map(spec.environment.map { ($0.name, Y.text($0.value)) })),
        ])
    }

    private static func volumeClaim(_ spec: AppSpec, _ namespace: String) -> YAMLNode {
        Y.map([
            ("apiVersion", Y.text("v1")),
            ("kind", Y.text("PersistentVolumeClaim")),
            ("metadata", metadata(spec, namespace, name: "\(spec.name)-data")),
            (
                "spec",
                Y.map([
                    ("accessModes", Y.list([Y.text("ReadWriteOnce")])),
                    ("resources", Y.map([("requests", Y.map([("storage", Y.text(spec.volumeSize ?? "1Gi"))]))])),
                ])
            ),
        ])
    }
}

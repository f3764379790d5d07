import Foundation
import RequestValues
import Testing
import YAML

@testable import Manifests

/// Recorded and realistic model answers.
let modelOutputFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/model-output")

func modelOutput(_ name: String) throws -> String {
    try String(contentsOf: modelOutputFolder.appendingPathComponent(name), encoding: .utf8)
}

/// The check as the app flow runs it, for the app `web` under the default policy.
func check(_ text: String, appName: String = "web", policy: ManifestPolicy = ManifestPolicy()) -> ManifestReport {
    ManifestChecker.check(text, appName: appName, policy: policy)
}

extension ManifestReport {
    var errors: [PolicyFinding] { findings.filter { $0.severity == .error } }
    var warnings: [PolicyFinding] { findings.filter { $0.severity == .warning } }

    /// The normalized objects, read back.
    func documents() throws -> [YAMLNode] {
        try YAML.parseDocuments(yaml ?? "")
    }
}

/// A Deployment that passes every check: hardened, pinned, with resources and probes. Tests
/// break one thing at a time and expect exactly the finding for it.
let hardenedDeployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: web
      template:
        metadata:
          labels:
            app: web
        spec:
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
          containers:
          - name: web
            image: ghcr.io/example/web:1.2.3
            ports:
            - containerPort: 8080
            resources:
              requests: {cpu: 100m, memory: 64Mi}
              limits: {memory: 128Mi}
            readinessProbe:
              httpGet: {path: /healthz, port: 8080}
            livenessProbe:
              httpGet: {path: /healthz, port: 8080}
            securityContext:
              allowPrivilegeEscalation: false
              capabilities:
                drop: [ALL]

    """

/// `yaml` (one document) with the value at a dotted path (numbers index sequences) set to the
/// YAML `value`, or removed when `value` is nil; written back as YAML text.
func editing(_ yaml: String, _ path: String, _ value: String?) throws -> String {
    let root = try #require(try YAML.parse(yaml))
    let newValue = try value.map { try #require(try YAML.parse("v: \($0)")?["v"]) }
    return YAMLWriter.string(edited(root, Array(path.split(separator: ".").map(String.init))[...], newValue))
}

private func edited(_ node: YAMLNode, _ path: ArraySlice<String>, _ value: YAMLNode?) -> YAMLNode {
    guard let step = path.first else { return value ?? node }
    let rest = path.dropFirst()
    switch node.value {
    case .sequence(var items):
        let index = Int(step)!
        if index == items.count, let value {
            items.append(rest.isEmpty ? value : edited(.emptyMapping(at: node.mark), rest, value))
        } else {
            items[index] = edited(items[index], rest, value)
        }
        return YAMLNode(.sequence(items), mark: node.mark)
    case .mapping(var pairs):
        if let index = pairs.firstIndex(where: { $0.key.string == step }) {
            if rest.isEmpty && value == nil {
                pairs.remove(at: index)
            } else {
                pairs[index].value = edited(pairs[index].value, rest, value)
            }
        } else if let value {
            let child =
                rest.isEmpty
                ? value
                : edited(
                    Int(rest.first!) != nil ? YAMLNode(.sequence([]), mark: node.mark) : .emptyMapping(at: node.mark),
                    rest, value)
            pairs.append((YAMLNode(.scalar(step, quoted: false), mark: node.mark), child))
        }
        return YAMLNode(.mapping(pairs), mark: node.mark)
    case .scalar:
        return value == nil ? node : edited(.emptyMapping(at: node.mark), path, value)
    }
}

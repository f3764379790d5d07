import Manifests
import Ollama
import RequestValues

/// The conversation sent to the model: the rules as a system message, the form's fields as context.
public enum PromptBuilder {
    public static func draft(for spec: AppSpec, policy: ManifestPolicy, feedback: String?) -> [ChatMessage] {
        [
            ChatMessage(role: .system, content: rules(policy: policy)),
            ChatMessage(role: .user, content: request(spec, policy: policy, feedback: feedback)),
        ]
    }

    /// The draft conversation, the model's answer, and the problems to fix: one repair round.
    public static func repair(after messages: [ChatMessage], output: String, findings: [PolicyFinding]) -> [ChatMessage]
    {
        let problems = findings.filter { $0.severity == .error }.map { finding in
            let place = [finding.object, finding.path].filter { !$0.isEmpty }.joined(separator: " ")
            return "- \(place.isEmpty ? "" : "\(place): ")\(finding.message)"
        }
        return messages + [
            ChatMessage(role: .assistant, content: output),
            ChatMessage(
                role: .user,
                content: """
                    These manifests were refused:
                    \(problems.joined(separator: "\n"))

                    Answer with the complete corrected YAML only, every object, no explanations.
                    """),
        ]
    }

    static func rules(policy: ManifestPolicy) -> String {
        """
        You write Kubernetes manifests for a homelab k3s cluster that Argo CD deploys from Git.
        Answer with YAML only: Kubernetes objects separated by lines of ---. No prose, no Markdown fences.
        Rules:
        - Use only these kinds: \(policy.allowedKinds.sorted().joined(separator: ", ")).
        - Put every object in namespace \(policy.namespace).
        - Label every object and every pod template with app.kubernetes.io/name set to the app name and app.kubernetes.io/managed-by: homeport.
        - Never use privileged containers, hostNetwork, hostPID, hostIPC, hostPath volumes, hostPort or added capabilities.
        - Set runAsNonRoot: true and seccompProfile type RuntimeDefault on the pod; allowPrivilegeEscalation: false and capabilities drop [ALL] on each container.
        - Give every container resources.requests and resources.limits, a readinessProbe and a livenessProbe, and an image with a pinned tag (never latest).
        - No Secrets, no RBAC, nothing cluster-scoped.
        - Services of type \(policy.serviceTypes.sorted().joined(separator: " or ")) only, without externalIPs; never ExternalName.
        - No nodeName, no tolerations, no serviceAccountName other than default, automountServiceAccountToken: false, no gitRepo or nfs volumes.
        - PersistentVolumeClaims without volumeName or selector, with storageClassName \((policy.storageClasses.sorted() + ["unset"]).joined(separator: " or ")).
        - Expose HTTP through an Ingress with ingressClassName traefik and the annotation cert-manager.io/cluster-issuer: homelab-ca, with TLS for the host.
        """
    }

    static func request(_ spec: AppSpec, policy: ManifestPolicy, feedback: String?) -> String {
        // Only what the user gave: a default stated here would override what the description says
        // ("expose it on port 80"). A missing image is asked for in words, never as a placeholder
        // a small model would copy into the field.
        var lines = [
            "App name: \(spec.name)",
            "Owner: \(spec.owner)",
            spec.image.isEmpty
                ? "Container image: not given; use the official image of the software described, with a pinned version tag such as nginx:1.27"
                : "Container image: \(spec.image)",
        ]
        if let port = spec.port { lines.append("Container port: \(port)") }
        if let replicas = spec.replicas { lines.append("Replicas: \(replicas)") }
        lines += [
            "Ingress host: \(spec.host)",
            "Resources: requests \(spec.size.requests.cpu) CPU and \(spec.size.requests.memory) memory; limits \(spec.size.limits.cpu) CPU and \(spec.size.limits.memory) memory",
        ]
        if !spec.description.isEmpty { lines.insert("Description: \(spec.description)", at: 1) }
        if !spec.environment.isEmpty {
            lines.append("Environment variables, from a ConfigMap named \(spec.name)-config:")
            lines += spec.environment.map { "  \($0.name)=\($0.value)" }
        }
        if let volume = spec.volumeSize {
            lines.append("Persistent volume: a PersistentVolumeClaim \(spec.name)-data of \(volume), mounted at /data")
        }
        if !spec.prompt.isEmpty { lines.append("What it should do: \(spec.prompt)") }
        if let feedback, !feedback.isEmpty {
            lines.append("Reviewer feedback on the previous draft, apply it: \(feedback)")
        }
        return lines.joined(separator: "\n")
    }
}

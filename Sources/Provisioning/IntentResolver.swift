import DNSNames
import Manifests
import Platform
import RequestValues

/// Turns what was asked into an `AppIntent`, a refusal, or questions: the form's fields first,
/// then what the text states literally, then the known images, then the model's reading. Only
/// what the user wrote or the platform repository pins reaches the manifests; where neither says
/// what the app needs (its image, its version), the user is asked.
public enum IntentResolver {
    public enum Outcome: Sendable, Equatable {
        case intent(AppIntent)
        /// The reasons, each a sentence in the user's words.
        case refused([String])
        /// What is missing: field → question.
        case needsInput([Question])
    }

    public struct Question: Sendable, Equatable {
        /// The form's and the API's field name (`image`).
        public var field: String
        public var question: String
    }

    public struct Resolution: Sendable, Equatable {
        public var outcome: Outcome
        /// How each field was decided where it matters to a reviewer, and what was left out.
        public var findings: [PolicyFinding]
    }

    /// The path findings of the intent engine carry, so pages and the API can tell them from the checker's.
    public static let findingPrefix = "intent."

    /// `model` is nil when the model's answer was not a JSON object.
    static func resolve(
        spec: AppSpec, text: String, literal: LiteralFacts, model: ModelIntent?, knownImages: KnownImages,
        policy: ManifestPolicy, defaultHost: String
    ) -> Resolution {
        var notes: [PolicyFinding] = []
        func note(_ field: String, _ message: String, _ severity: PolicyFinding.Severity = .warning) {
            notes.append(PolicyFinding(severity: severity, object: "", path: findingPrefix + field, message: message))
        }
        let lower = text.lowercased()
        if model == nil {
            note("model", "the model's answer was not a JSON object; only what the text states was used")
        } else if let model, !model.unreadable.isEmpty {
            note(
                "model",
                "the model's \(model.unreadable.joined(separator: ", ")) did not match the schema and were ignored")
        }

        // Refusals: the text's own words, and what the model listed that maps onto a forbidden ask.
        var refusals = literal.refusals
        for host in literal.foreignHosts {
            refusals.append(
                "asks for the host \(host), outside the domains the platform serves (\(policy.ingressDomains.joined(separator: ", ")))"
            )
        }
        for item in model?.notExpressible ?? [] {
            let reasons = LiteralFacts.refusals(in: item, namespace: policy.namespace)
            // The model's list counts where the text itself gives a cue for it: a small model lists
            // "privileged" for apps that never asked.
            let confirmed = reasons.filter { reason in
                LiteralFacts.cues(for: reason).contains { lower.contains($0) }
            }
            for reason in confirmed where !refusals.contains(reason) { refusals.append(reason) }
            if !reasons.isEmpty, confirmed.isEmpty {
                note("model", "the model listed \"\(item)\", which the text does not ask for; ignored")
            }
            if reasons.isEmpty {
                note("unsupported", "asked but not in the manifests (the intent cannot hold it): \(item)")
            }
        }
        if !refusals.isEmpty {
            return Resolution(outcome: .refused(refusals), findings: notes)
        }

        // The image: the form, the text, the known images, the model only where the text backs it.
        var questions: [Question] = []
        var image = spec.image
        var known: KnownImages.Entry?
        if image.isEmpty, let stated = literal.images.first(where: { !$0.hasSuffix(":latest") }) {
            image = stated
        }
        if image.isEmpty, let model, !model.image.isEmpty, ImageReference.isValid(model.image),
            let tag = tag(of: model.image), tag != "latest", lower.contains(tag.lowercased()),
            LiteralFacts.containsWord(
                KnownImages.repository(of: model.image).split(separator: "/").last.map(String.init) ?? "", in: lower)
        {
            image = model.image
            note("image", "image \(image) read from the text by the model")
        }
        if image.isEmpty {
            let named = literal.untaggedImages.first ?? literal.images.first.map { KnownImages.repository(of: $0) }
            if let named, let entry = knownImages.entry(forImage: named) {
                image = entry.reference
                known = entry
                note("image", "\(named) without a version: pinned to \(entry.reference) from \(KnownImages.path)")
            } else if let named {
                questions.append(
                    Question(
                        field: "image",
                        question:
                            "The request names the image \(named) without a version: give its tag (\(named):<version>), or pin it in \(KnownImages.path)."
                    ))
            } else {
                questions.append(
                    Question(
                        field: "image",
                        question:
                            "The request names no container image: say which image to run, with its version (such as ghcr.io/homelab/web:1.2.0)."
                    ))
            }
        }
        if !questions.isEmpty {
            return Resolution(outcome: .needsInput(questions), findings: notes)
        }
        if known == nil { known = knownImages.entry(forImage: image) }
        if let known, known.user == 0 {
            note(
                "image",
                "\(known.image) runs as root (\(KnownImages.path)), but the platform's pods set runAsNonRoot: the pod will not start; choose an image that runs as another user"
            )
        }

        // Ports: the form, the text, the known image, the model, 8080.
        var ports: [AppIntent.Port]
        if let port = spec.port {
            ports = [AppIntent.Port(name: "http", number: port)]
            ports += literal.ports.filter { $0.number != port }
        } else if !literal.ports.isEmpty {
            ports = literal.ports
        } else if let port = known?.port {
            ports = [AppIntent.Port(name: "http", number: port)]
        } else if let model, !model.ports.isEmpty {
            ports = model.ports
        } else {
            ports = [AppIntent.Port(name: "http", number: AppSpec.defaultPort)]
            note("ports", "no port given: the app is expected on \(AppSpec.defaultPort)")
        }
        ports = uniquelyNamed(ports)

        let replicas =
            spec.replicas ?? literal.replicas ?? model?.replicas.flatMap { (0...10).contains($0) ? $0 : nil }
            ?? AppSpec.defaultReplicas

        // Exposure: hosts the text names; the form's host; none when the text keeps it internal.
        var hosts = literal.hosts
        let allowed = { (host: String) in
            policy.ingressDomains.contains { host == $0 || host.hasSuffix("." + $0) }
                && DNSName.isHostname(host)
        }
        if hosts.isEmpty, spec.host != defaultHost { hosts = [spec.host] }
        if hosts.isEmpty, let model {
            hosts = model.hosts.filter { allowed($0) && lower.contains($0) }
        }
        let internalOnly =
            literal.internalOnly || (hosts.isEmpty && model?.internalOnly == true && mentionsInternal(lower))
        if internalOnly {
            hosts = []
            note("exposure", "reached only inside the cluster: no Ingress")
        } else if hosts.isEmpty {
            hosts = [spec.host]
        }

        // Health: the text's path, the known image's, the model's path where the text has it, TCP.
        let health: AppIntent.HealthCheck
        if let path = literal.healthPath {
            health = .http(path: path)
        } else if literal.tcpHealth {
            health = .tcp
        } else if let path = known?.healthPath {
            health = .http(path: path)
        } else if let path = model?.healthPath, lower.contains(path.lowercased()) {
            health = .http(path: path)
        } else {
            health = .tcp
        }

        // An app reached only inside the cluster over TCP does not speak HTTP as far as anyone said.
        if hosts.isEmpty, health == .tcp, ports[0].name == "http", !ports.contains(where: { $0.name == "tcp" }) {
            ports[0].name = "tcp"
        }

        // Storage: the form's size or the text's, mounted where the text or the known image says.
        var volumes: [AppIntent.Volume] = []
        let wantsStorage = ["persist", "volume", "storage", "disk", "keep its data", "keeps its data", "state"].contains
        {
            lower.contains($0)
        }
        if let size = spec.volumeSize ?? literal.volumeSize
            ?? (wantsStorage ? model?.volumes.first.map(\.size).flatMap(normalizedSize) : nil)
        {
            let path =
                literal.mountPath ?? known?.dataPath
                ?? model?.volumes.first.map(\.mountPath).flatMap {
                    $0.hasPrefix("/") && lower.contains($0.lowercased()) ? $0 : nil
                }
                ?? "/data"
            volumes = [AppIntent.Volume(size: size, mountPath: path)]
        } else if wantsStorage {
            note("volumes", "storage is mentioned without a size: no volume; give one such as 5Gi to get it")
        }

        // Settings: the form's, the text's, the model's where the text names them; never secrets.
        var environment = spec.environment
        for variable in literal.environment + (model?.environment ?? []) {
            guard !environment.contains(where: { $0.name == variable.name }) else { continue }
            guard case .success(let parsed) = AppSpecValidator.parseEnvironment("\(variable.name)=\(variable.value)"),
                text.contains(variable.name)
            else { continue }
            environment += parsed
        }
        let configFiles =
            (model?.configFiles ?? []).filter { file in
                file.path.hasPrefix("/") && !file.content.isEmpty && lower.contains(file.path.lowercased())
                    && file.content.utf8.count <= 16_384
            }
        let command =
            !literal.command.isEmpty
            ? literal.command
            : (model?.command ?? []).first.map { lower.contains($0.lowercased()) } == true ? model!.command : []
        let args =
            !literal.args.isEmpty
            ? literal.args : (model?.args ?? []).allSatisfy { lower.contains($0.lowercased()) } ? model?.args ?? [] : []

        let size =
            literal.size ?? (spec.size != .small ? spec.size : nil)
            ?? model?.size.flatMap { lower.contains($0.rawValue) ? $0 : nil } ?? spec.size
        var autoscaling = literal.autoscaling
        if autoscaling == nil, let scaling = model?.autoscaling, lower.contains("scal"),
            1 <= scaling.minReplicas, scaling.minReplicas <= scaling.maxReplicas, scaling.maxReplicas <= 20
        {
            autoscaling = AppIntent.Autoscaling(
                minReplicas: scaling.minReplicas, maxReplicas: scaling.maxReplicas,
                targetCPU: min(max(scaling.targetCPU, 10), 100))
        }

        let runAsUser = known?.user.flatMap { $0 > 0 ? $0 : nil }
        let intent = AppIntent(
            name: spec.name, image: image, ports: ports, replicas: replicas, hosts: hosts, health: health,
            volumes: volumes, environment: environment, configFiles: configFiles, command: command, args: args,
            size: size, autoscaling: autoscaling, runAsUser: runAsUser)
        return Resolution(outcome: .intent(intent), findings: notes)
    }

    private static func mentionsInternal(_ text: String) -> Bool {
        ["internal", "inside the cluster", "not exposed", "no ingress", "private"].contains { text.contains($0) }
    }

    static func tag(of reference: String) -> String? {
        let name = reference.split(separator: "@").first.map(String.init) ?? reference
        guard let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") else { return nil }
        return String(name[name.index(after: colon)...])
    }

    /// `5Gi` as it is; `5GB` → `5Gi`; nil for anything else.
    static func normalizedSize(_ text: String) -> String? {
        let facts = LiteralFacts.matches(#"^\s*(\d{1,4})\s?(mi|gi|ti|mb|gb|tb)\s*$"#, in: text.lowercased())
        guard let match = facts.first, let number = match[1], let unit = match[2] else { return nil }
        let size = number + (["mi": "Mi", "mb": "Mi", "gi": "Gi", "gb": "Gi", "ti": "Ti", "tb": "Ti"][unit] ?? "Gi")
        return AppSpecValidator.isVolumeSize(size) ? size : nil
    }

    /// Port names Kubernetes accepts (a DNS label of at most 15 characters with a letter), unique;
    /// the first is `http` unless it has a good name of its own.
    static func uniquelyNamed(_ ports: [AppIntent.Port]) -> [AppIntent.Port] {
        var seen: Set<String> = []
        var result: [AppIntent.Port] = []
        for (index, port) in ports.enumerated() where !result.contains(where: { $0.number == port.number }) {
            var name = port.name
            let valid =
                name.count <= 15 && DNSName.isLabel(name) && name.contains(where: \.isLetter)
            if !valid || seen.contains(name) {
                name = index == 0 && !seen.contains("http") ? "http" : "\(port.protocol.lowercased())-\(port.number)"
            }
            seen.insert(name)
            result.append(AppIntent.Port(name: name, number: port.number, protocol: port.protocol))
        }
        return result
    }
}

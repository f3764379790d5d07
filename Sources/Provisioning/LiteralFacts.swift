import Foundation
import Manifests
import Platform
import RequestValues

/// What a description states literally, found by patterns rather than by a model: image
/// references, ports, replica counts, hosts, volume sizes and paths, autoscaling bounds, `KEY=value`
/// settings, and the things the platform forbids. Deterministic; the intent engine lets it win
/// over the model's reading on a conflict.
public struct LiteralFacts: Sendable, Equatable {
    /// Image references with a tag or digest, in order of appearance.
    public var images: [String] = []
    /// Images named without a tag (`grafana/grafana`, or a known image's word such as `grafana`).
    public var untaggedImages: [String] = []
    public var ports: [AppIntent.Port] = []
    public var replicas: Int?
    public var hosts: [String] = []
    /// Hosts outside the policy's domains.
    public var foreignHosts: [String] = []
    /// "internal only", "no ingress": no Ingress.
    public var internalOnly = false
    public var volumeSize: String?
    public var mountPath: String?
    public var healthPath: String?
    public var tcpHealth = false
    public var size: ResourceSize?
    public var autoscaling: AppIntent.Autoscaling?
    public var environment: [AppSpec.EnvironmentVariable] = []
    public var command: [String] = []
    public var args: [String] = []
    /// Why the request cannot be served, each in the user's words.
    public var refusals: [String] = []

    public init() {}

    /// Reads `text` (the description, what it should do, and any feedback) under `policy`.
    public init(reading text: String, knownImages: KnownImages, namespace: String, ingressDomains: [String]) {
        let lower = text.lowercased()
        findImages(text, knownImages: knownImages)
        findPorts(lower)
        findReplicas(lower)
        findHosts(lower, domains: ingressDomains)
        findStorage(text)
        findHealth(text)
        findScaling(lower)
        findSettings(text)
        refusals = Self.refusals(in: text, namespace: namespace)
    }

    // MARK: - Images

    private mutating func findImages(_ text: String, knownImages: KnownImages) {
        // `[registry/]path:tag` or `@sha256:…`, not part of a URL or a path.
        let tagged =
            #"(?<![\w./:@-])((?:[a-z0-9][a-z0-9.-]*(?::[0-9]+)?/)?[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)*)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?(@sha256:[a-f0-9]{64})?"#
        for match in Self.matches(tagged, in: text, ignoringCase: false) {
            guard let name = match[1], match[2] != nil || match[3] != nil, !Self.notImageNames.contains(name) else {
                continue
            }
            var tag = match[2] ?? ""
            while tag.hasSuffix(".") || tag.hasSuffix("-") { tag.removeLast() }
            let reference = name + (tag.isEmpty ? "" : ":\(tag)") + (match[3] ?? "")
            // A letter in the name, and not a time (`10:30`) or a host:port (`web.homelab.local:8080`).
            guard name.contains(where: \.isLetter), ImageReference.isValid(reference),
                !(name.contains(".") && !name.contains("/") && Int(tag) != nil),
                !images.contains(reference)
            else { continue }
            images.append(reference)
        }
        // Untagged: a registry path (`ghcr.io/homelab/web`), "image foo/bar", or a known image's word.
        let registryPath =
            #"(?<![\w./:@-])([a-z0-9-]+\.[a-z0-9.-]+(?::[0-9]+)?/[a-z0-9][a-z0-9._/-]*[a-z0-9])(?![\w:@/-])"#
        let named = #"\bimage\s+`?([a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._/-]*[a-z0-9])`?(?![\w:@/-])"#
        for pattern in [registryPath, named] {
            for match in Self.matches(pattern, in: text) {
                if let name = match[1], !untaggedImages.contains(name),
                    !images.contains(where: { $0.hasPrefix(name + ":") })
                {
                    untaggedImages.append(name)
                }
            }
        }
        let lower = text.lowercased()
        for entry in knownImages.entries where images.allSatisfy({ KnownImages.repository(of: $0) != entry.image }) {
            for word in entry.words where Self.containsWord(word, in: lower) {
                if !untaggedImages.contains(entry.image) { untaggedImages.append(entry.image) }
                break
            }
        }
    }

    /// Words a description puts before a colon that are not images (`port:9000`, `replicas:3`).
    static let notImageNames: Set<String> = [
        "port", "ports", "replicas", "replica", "size", "storage", "cpu", "memory", "host", "hosts", "image", "tag",
        "version", "path", "http", "https", "tcp", "udp", "volume", "env", "namespace", "at", "on", "uid", "user",
        "localhost", "min", "max", "target", "health", "probe", "mount", "disk", "ram", "note", "e.g", "i.e",
    ]

    // MARK: - Ports, replicas, hosts

    private mutating func findPorts(_ text: String) {
        var numbers: [(Int, String)] = []
        let listed =
            #"\bports?\s+(?:number\s+)?:?(\d{1,5}(?:/(?:tcp|udp))?(?:\s*(?:,|and|&|\+)\s*\d{1,5}(?:/(?:tcp|udp))?)*)"#
        let listens =
            #"\b(?:listens?|listening|serves?|serving|answers?|runs?|running|exposed?|exposing|reachable)\s+(?:\w+\s+){0,3}?on\s+(?:port\s+)?:?(\d{1,5})\b"#
        let slashed = #"\b(\d{1,5})/(tcp|udp)\b"#
        for match in Self.matches(listed, in: text) {
            for part in (match[1] ?? "").split(whereSeparator: { ",&+ ".contains($0) }) where part != "and" {
                let pieces = part.split(separator: "/")
                if let number = Int(pieces[0]) {
                    numbers.append((number, pieces.count > 1 ? String(pieces[1]) : "tcp"))
                }
            }
        }
        for match in Self.matches(listens, in: text) {
            if let number = Int(match[1] ?? "") { numbers.append((number, "tcp")) }
        }
        for match in Self.matches(slashed, in: text) {
            if let number = Int(match[1] ?? "") { numbers.append((number, match[2] ?? "tcp")) }
        }
        for (number, proto) in numbers where (1...65535).contains(number) {
            if let index = ports.firstIndex(where: { $0.number == number }) {
                if proto == "udp" { ports[index].protocol = "UDP" }
                continue
            }
            let name = ports.isEmpty && proto == "tcp" ? "http" : "\(proto)-\(number)"
            ports.append(AppIntent.Port(name: name, number: number, protocol: proto.uppercased()))
        }
    }

    static let numberWords = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "a single": 1, "single": 1,
    ]

    private mutating func findReplicas(_ text: String) {
        let count =
            #"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a single|single)\s+(?:replicas?|instances?|copies|pods)\b"#
        let keyed = #"\breplicas?\s*(?::|=|of|set to)?\s*(\d{1,2})\b"#
        if let match = Self.matches(count, in: text).first, let word = match[1] {
            replicas = Int(word) ?? Self.numberWords[word]
        } else if let match = Self.matches(keyed, in: text).first {
            replicas = Int(match[1] ?? "")
        }
    }

    private mutating func findHosts(_ text: String, domains: [String]) {
        let host = #"(?<![\w.@/-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?![\w/-])"#
        let cue =
            #"(?:https?://|\bhosts?\s+|\bhostnames?\s+|\bdomains?\s+|\bat\s+|\bon\s+|\bunder\s+|\bas\s+|\bvia\s+)`?"#
        for match in Self.matches(cue + host, in: text) {
            guard var name = match[1] else { continue }
            while name.hasSuffix(".") { name.removeLast() }
            // File names (`config.yaml`) are not hosts.
            if ["yaml", "yml", "json", "conf", "toml", "ini", "txt", "html", "sh", "py", "js", "sql"].contains(
                String(name.split(separator: ".").last ?? "")) || name.split(separator: ".").count < 2
            {
                continue
            }
            if domains.contains(where: { name == $0 || name.hasSuffix("." + $0) }) {
                if !hosts.contains(name) { hosts.append(name) }
            } else if name.split(separator: ".").count >= 3 || text.contains("://\(name)") {
                if !foreignHosts.contains(name) { foreignHosts.append(name) }
            }
        }
        for phrase in [
            "internal only", "internal-only", "cluster-internal", "cluster internal", "inside the cluster",
            "no ingress", "without ingress", "without an ingress", "not exposed", "not reachable from outside",
            "only from inside", "within the cluster", "no external",
        ] where text.contains(phrase) {
            internalOnly = true
        }
    }

    // MARK: - Storage, health, size, scaling

    private mutating func findStorage(_ text: String) {
        let size = #"\b(\d{1,4})\s?(mi|gi|ti|mb|gb|tb|mib|gib|tib)\b"#
        for match in Self.matches(size, in: text.lowercased()) {
            guard let number = Int(match[1] ?? ""), number > 0, let unit = match[2] else { continue }
            let suffix = [
                "mi": "Mi", "mb": "Mi", "mib": "Mi", "gi": "Gi", "gb": "Gi", "gib": "Gi", "tb": "Ti", "ti": "Ti",
                "tib": "Ti",
            ][unit]!
            // Memory sizes are the resources preset's business, not a volume's.
            let start = text.lowercased().range(of: match[0] ?? "")?.lowerBound ?? text.startIndex
            let before = text.lowercased()[..<start].suffix(40)
            if before.contains("memory") || before.contains("ram") { continue }
            volumeSize = "\(number)\(suffix)"
            break
        }
        let mount =
            #"\b(?:mount(?:ed)?\s+(?:it\s+)?(?:at|on|to|under)|(?:volume|storage|disk|data|state|files?)\b[^/\n]{0,40}?\b(?:at|in|under|on))\s+`?(/[A-Za-z0-9._/-]*[A-Za-z0-9_])"#
        if let match = Self.matches(mount, in: text).first(where: { !Self.isHealthContext($0[0] ?? "") }) {
            mountPath = match[1]
        }
    }

    private static func isHealthContext(_ text: String) -> Bool {
        let lower = text.lowercased()
        return ["health", "probe", "ready", "alive", "liveness", "readiness"].contains { lower.contains($0) }
    }

    private mutating func findHealth(_ text: String) {
        let path =
            #"\b(?:health\s*checks?|healthchecks?|health|readiness|liveness|probes?|status)\b[^/\n]{0,30}?`?(/[A-Za-z0-9._/-]*)"#
        if let match = Self.matches(path, in: text).first { healthPath = match[1] }
        let lower = text.lowercased()
        if healthPath == nil, lower.contains("tcp check") || lower.contains("tcp health") || lower.contains("tcp probe")
        {
            tcpHealth = true
        }
        let preset =
            #"\b(?:(small|medium|large)\s+(?:size|resources|preset|resource)|(?:size|resources|preset)\s*(?::|=|is)?\s*(small|medium|large))\b"#
        if let match = Self.matches(preset, in: lower).first {
            size = ResourceSize(rawValue: match[1] ?? match[2] ?? "")
        }
    }

    private mutating func findScaling(_ text: String) {
        guard text.contains("autoscal") || text.contains("scale") || text.contains("hpa") else { return }
        let range = #"\b(?:autoscal\w*|scales?|scaling|hpa)\b\D{0,40}?\b(\d{1,2})\s*(?:to|-|and|through)\s*(\d{1,3})\b"#
        let cpu = #"(?:\b(\d{1,3})\s*%\s*(?:of\s+)?(?:cpu|processor))|(?:\bcpu\b\D{0,25}?\b(\d{1,3})\s*(?:%|percent))"#
        guard let match = Self.matches(range, in: text).first, let low = Int(match[1] ?? ""),
            let high = Int(match[2] ?? ""), low >= 1, high >= low
        else { return }
        let target = Self.matches(cpu, in: text).first.flatMap { Int($0[1] ?? $0[2] ?? "") } ?? 80
        autoscaling = AppIntent.Autoscaling(minReplicas: low, maxReplicas: high, targetCPU: min(max(target, 10), 100))
    }

    // MARK: - Settings and command

    private mutating func findSettings(_ text: String) {
        let setting = #"(?<![\w$])([A-Z][A-Z0-9_]{1,63})=("[^"\n]*"|'[^'\n]*'|[^\s,;`]+)"#
        for match in Self.matches(setting, in: text, ignoringCase: false) {
            guard let name = match[1], var value = match[2] else { continue }
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            while value.hasSuffix(".") { value.removeLast() }
            if !environment.contains(where: { $0.name == name }) { environment.append(.init(name: name, value: value)) }
        }
        let command = #"\b(?:command|run|runs|start(?:s|ed)?\s+with|entrypoint)\s*:?\s*`([^`\n]+)`"#
        if let match = Self.matches(command, in: text).first, let words = match[1] {
            self.command = words.split(separator: " ").map(String.init)
        }
        let args = #"\b(?:args|arguments|flags?)\s*:?\s*`([^`\n]+)`"#
        if let match = Self.matches(args, in: text).first, let words = match[1] {
            self.args = words.split(separator: " ").map(String.init)
        }
    }

    // MARK: - What the platform forbids

    /// A forbidden ask: the patterns that find it, and the reason in the user's words.
    struct Forbidden {
        var patterns: [String]
        var reason: String
    }

    static let forbidden: [Forbidden] = [
        Forbidden(
            patterns: [#"\bprivileged\b"#, #"\bprivilege escalation\b"#, #"\ballowprivilegeescalation\b"#],
            reason: "asks for a privileged container, which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bhost\s*network(?:ing)?\b"#, #"\bhost'?s network\b"#,
                #"\bnetwork (?:namespace )?of the (?:node|host)\b"#,
            ],
            reason: "asks for the node's network (hostNetwork), which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bhost\s*pid\b"#, #"\bhost\s*ipc\b"#, #"\b(?:node|host)'?s (?:processes|pid namespace|ipc)\b"#,
            ],
            reason: "asks to share the node's processes or IPC (hostPID/hostIPC), which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bhost\s*paths?\b"#, #"docker\.sock"#, #"\bdocker socket\b"#, #"\bcontainerd\.sock"#,
                #"\b(?:node|host)'?s? (?:root )?(?:file ?system|filesystem|disk|directory|folder|/)"#,
                #"\bmount\w*\s+(?:the\s+)?(?:node|host)\b"#,
                #"\bmount\w*\s+(?:/proc|/sys|/var/run|/dev|/etc|/)(?=[\s,.]|$)"#,
            ],
            reason: "asks to mount a directory of the node (hostPath), which the platform does not allow"),
        Forbidden(
            patterns: [#"\bhost\s*ports?\b"#, #"\bport \d+ (?:of|on) the (?:node|host)\b"#],
            reason: "asks for a port on the node itself (hostPort), which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bcap_[a-z_]+\b"#, #"\b(?:net_admin|sys_admin|net_raw|sys_ptrace|sys_module|sys_time)\b"#,
                #"\badd(?:ed)?\s+(?:the\s+)?\w*\s*capabilit"#,
            ],
            reason: "asks for added Linux capabilities, which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bcluster-?admin\b"#, #"\bcluster\s*roles?\b"#, #"\bclusterrolebinding"#, #"\brole\s*bindings?\b"#,
                #"\brbac\b"#,
                #"\b(?:admin|full) (?:access|rights|permissions) (?:to|on|over) the (?:cluster|kubernetes)"#,
                #"\bservice ?account token\b"#,
                #"\b(?:read|list|watch|delete|create)s?\s+(?:all\s+)?(?:pods|secrets|nodes|deployments)\s+(?:in|across)\s+(?:the|all)\b"#,
            ],
            reason: "asks for rights on the Kubernetes API (RBAC, cluster-admin), which apps from Homeport do not get"),
        Forbidden(
            patterns: [
                #"\bdaemon\s*set\b"#, #"\bon every node\b"#, #"\bon each node\b"#, #"\bone (?:pod|copy) per node\b"#,
            ],
            reason: "asks for a pod on every node (a DaemonSet), which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bnodename\b"#, #"\btolerations?\b"#,
                #"\b(?:pin|pinned|schedule[sd]?|run)\s+(?:it\s+)?(?:only\s+)?on\s+(?:the\s+)?node\s+[a-z0-9-]+"#,
            ],
            reason: "asks to place the app on a chosen node, which the platform leaves to the scheduler"),
        Forbidden(
            patterns: [#"\bnode\s*port\b"#, #"\bload\s*balancer\b"#, #"\bexternal\s*ips?\b"#, #"\bexternalname\b"#],
            reason: "asks for a NodePort, LoadBalancer or external IP, while apps are reached through the Ingress"),
        Forbidden(
            patterns: [#"\bas (?:the )?root\b"#, #"\brunasuser:?\s*0\b"#, #"\buid 0\b"#, #"\broot user\b"#],
            reason: "asks to run as root, while the platform's pods run as a non-root user"),
        Forbidden(
            patterns: [#"\bsysctls?\b"#, #"\bprocmount\b"#, #"\bunconfined\b"#],
            reason:
                "asks for kernel settings (sysctls, procMount, unconfined profiles), which the platform does not allow"),
        Forbidden(
            patterns: [
                #"\bcustom\s*resource\s*definitions?\b"#, #"\bcrds?\b"#,
                #"\bpersistent\s*volume(?!\s*claim)(?:s)?\b(?!\s*claim)"#,
                #"\bstorage\s*class(?:es)?\b(?=.{0,20}\b(?:create|new|define))"#,
                #"\bcreate\s+(?:a\s+)?(?:new\s+)?namespace\b"#,
                #"\bwebhooks? configuration\b"#,
            ],
            reason: "asks for cluster-wide objects, while apps get only objects in their namespace"),
    ]

    static func refusals(in text: String, namespace: String) -> [String] {
        let lower = text.lowercased()
        var reasons: [String] = []
        for rule in forbidden
        where rule.patterns.contains(where: { pattern in
            matchesAsked(pattern, in: lower)
        }) {
            reasons.append(rule.reason)
        }
        // Another namespace: "in the kube-system namespace", "namespace monitoring".
        let other =
            #"\b(?:namespace\s+`?([a-z0-9][a-z0-9-]{0,62})|(?:in|into|to|from)\s+(?:the\s+)?`?([a-z0-9][a-z0-9-]{0,62})`?\s+namespace)\b"#
        for match in matches(other, in: lower) {
            guard let name = match[1] ?? match[2], name != namespace,
                !["the", "its", "own", "their", "same", "a", "this", "app", "default-namespace"].contains(name),
                !isNegated(before: match[0] ?? "", in: lower)
            else { continue }
            reasons.append("asks to deploy into namespace \(name), while apps go in \(namespace)")
            break
        }
        if let secret = matches(
            #"(?<![\w$])([A-Z][A-Z0-9_]*(?:PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|APIKEY)[A-Z0-9_]*)=\S+"#, in: text,
            ignoringCase: false
        ).first?[1] {
            reasons.append(
                "puts the secret \(secret) in the manifests, which would commit it to Git; create a Secret in the cluster instead"
            )
        } else if matchesAsked(
            #"\b(?:create|add|store|with)\s+(?:a\s+)?(?:kubernetes\s+)?secret\b.{0,40}\b(?:value|password|token|key)"#,
            in: lower)
        {
            reasons.append("asks for a Secret with its values in Git, which the platform does not allow")
        }
        return reasons
    }

    /// Whether `pattern` matches somewhere that is not negated ("no privileged", "without hostNetwork").
    private static func matchesAsked(_ pattern: String, in text: String) -> Bool {
        matches(pattern, in: text).contains { !isNegated(before: $0[0] ?? "", in: text) }
    }

    /// "not", "no", "never", "without", "don't", "non-" within the three words before `phrase`.
    private static func isNegated(before phrase: String, in text: String) -> Bool {
        guard let range = text.range(of: phrase) else { return false }
        let words = text[..<range.lowerBound].split(whereSeparator: { $0.isWhitespace }).suffix(3)
        let negations: Set<String> = [
            "not", "no", "never", "without", "don't", "doesn't", "mustn't", "avoid", "nor", "non",
        ]
        return words.contains { negations.contains($0.trimmingCharacters(in: .punctuationCharacters)) }
            || text[..<range.lowerBound].hasSuffix("non-") || text[..<range.lowerBound].hasSuffix("un")
    }

    // MARK: - Matching

    /// Every match of `pattern` in `text`: the whole match, then each group (nil when it did not take part).
    static func matches(_ pattern: String, in text: String, ignoringCase: Bool = true) -> [[String?]] {
        guard
            let expression = try? NSRegularExpression(pattern: pattern, options: ignoringCase ? [.caseInsensitive] : [])
        else {
            return []
        }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).map { result in
            (0..<result.numberOfRanges).map { index in
                Range(result.range(at: index), in: text).map { String(text[$0]) }
            }
        }
    }

    static func containsWord(_ word: String, in text: String) -> Bool {
        !matches(#"(?<![\w/.-])"# + NSRegularExpression.escapedPattern(for: word) + #"(?![\w/-]|\.\w)"#, in: text)
            .isEmpty
    }
}

extension LiteralFacts {
    /// Words in a description that back the model's listing of a forbidden ask with this reason.
    static func cues(for reason: String) -> [String] {
        // Specific enough not to appear in benign text ("self-hosted", "orders-api", "cluster-internal").
        let table: [(String, [String])] = [
            ("privileged", ["privilege", "root access", "full access", "all devices", "/dev"]),
            ("hostNetwork", ["network"]),
            ("hostPID", ["process", "pid", "ipc"]),
            (
                "hostPath",
                ["docker", "/proc", "/sys", "node's", "host's", "host path", "hostpath", "of the node"]
            ),
            ("hostPort", ["port on the", "host port", "hostport"]),
            ("capabilities", ["capabilit", "cap_", "net_admin", "sys_admin"]),
            ("RBAC", ["admin", "rbac", "role", "kubernetes api", "permission"]),
            ("DaemonSet", ["every node", "each node", "daemon", "per node"]),
            ("chosen node", ["nodename", "toleration", "on node", "the node"]),
            ("NodePort", ["nodeport", "node port", "loadbalancer", "load balancer", "external ip", "externalname"]),
            ("kernel", ["sysctl", "kernel", "procmount", "unconfined"]),
            ("cluster-wide", ["crd", "custom resource", "persistentvolume", "storageclass", "cluster-wide"]),
            ("namespace", ["namespace"]),
            ("Secret", ["secret", "password", "token"]),
            ("root", ["as root", "root user", "uid 0"]),
        ]
        return table.first { reason.contains($0.0) }?.1 ?? []
    }
}

import Foundation
import Markdown
import YAML

/// A group of links to the homelab's services (`platform/services.yaml`).
public struct ServiceGroup: Sendable {
    public var name: String
    public var description: String?
    public var services: [ServiceLink]
}

public struct ServiceLink: Sendable {
    public var name: String
    public var url: String
    public var description: String?
    /// What the service is (`grafana`, `argocd`...), so that Homeport can build links into it.
    public var type: String?
    /// The catalog entity the service is, if any.
    public var entity: EntityRef?
    /// How Homeport checks that the service answers, if it should.
    public var check: ServiceCheck?
}

/// A health check declared next to a service link (`check:` in `platform/services.yaml`).
public struct ServiceCheck: Sendable, Hashable {
    public var url: String
    /// Status codes that count as up; by default 200–399.
    public var expectedStatuses: [ClosedRange<Int>]
    public var intervalSeconds: Double
    public var timeoutSeconds: Double
    /// Absolute path of a PEM bundle of the CAs to trust (the homelab's private CA).
    public var caBundle: String?
    /// Accept any certificate; pages say so next to the service.
    public var skipTLSVerify: Bool

    public static let defaultStatuses = [200...399]

    public init(
        url: String, expectedStatuses: [ClosedRange<Int>] = defaultStatuses, intervalSeconds: Double = 30,
        timeoutSeconds: Double = 5,
        caBundle: String? = nil, skipTLSVerify: Bool = false
    ) {
        self.url = url
        self.expectedStatuses = expectedStatuses
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.caBundle = caBundle
        self.skipTLSVerify = skipTLSVerify
    }

    public func expects(_ status: Int) -> Bool {
        expectedStatuses.contains { $0.contains(status) }
    }
}

enum ServiceLinksLoader {
    static func load(file: String, files: PlatformFiles, problems: inout [LoadProblem]) -> [ServiceGroup] {
        guard
            let document = PlatformYAML.readDocument(
                file: file, files: files, topLevelKeys: ["groups"], problems: &problems)
        else { return [] }
        var groups: [ServiceGroup] = []
        for item in PlatformYAML.list(document, "groups", file: file, problems: &problems) {
            var record = YAMLRecord(item, file: file, context: "group")
            let name = record.string("name") ?? "Services"
            let description = record.string("description")
            var services: [ServiceLink] = []
            for serviceNode in PlatformYAML.list(item, "services", file: file, problems: &problems) {
                if let service = service(serviceNode, file: file, files: files, problems: &problems) {
                    services.append(service)
                }
            }
            problems += record.finish(ignoring: ["services"])
            groups.append(ServiceGroup(name: name, description: description, services: services))
        }
        return groups
    }

    private static func service(_ node: YAMLNode, file: String, files: PlatformFiles, problems: inout [LoadProblem])
        -> ServiceLink?
    {
        var record = YAMLRecord(node, file: file, context: "service")
        defer { problems += record.finish() }
        guard let name = record.string("name") else {
            record.report(node, "a service needs a name")
            return nil
        }
        guard let url = record.string("url"), url.hasPrefix("https://") || url.hasPrefix("http://"),
            Markdown.isSafeURL(url)
        else {
            record.report(node, "service '\(name)' needs an http or https url")
            return nil
        }
        var entity: EntityRef?
        if let text = record.string("entity") {
            switch EntityRef.parse(text, defaultKind: "component", defaultNamespace: EntityRef.defaultNamespace) {
            case .success(let ref): entity = ref
            case .failure(let error): record.report(node["entity"]!, error.reason)
            }
        }
        var check: ServiceCheck?
        if let checkNode = node["check"], !checkNode.isNull {
            record.skip("check")
            check = self.check(checkNode, service: name, defaultURL: url, file: file, files: files, problems: &problems)
        }
        return ServiceLink(
            name: name, url: url, description: record.string("description"), type: record.string("type")?.lowercased(),
            entity: entity, check: check)
    }

    /// `check: true` checks the service's own URL with the defaults; a mapping sets `url`, `expect`
    /// (codes or ranges such as `200-299`), `interval_seconds`, `timeout_seconds`, `ca_bundle`
    /// (relative to the platform root) and `insecure_skip_tls_verify`.
    private static func check(
        _ node: YAMLNode, service: String, defaultURL: String, file: String, files: PlatformFiles,
        problems: inout [LoadProblem]
    ) -> ServiceCheck? {
        if let flag = node.string, node.mapping == nil {
            if flag == "true" { return ServiceCheck(url: defaultURL) }
            if flag == "false" { return nil }
        }
        guard node.mapping != nil else {
            problems.append(
                LoadProblem(
                    file: file, line: node.mark.line, reason: "service '\(service)': check must be true or a mapping"))
            return nil
        }
        var record = YAMLRecord(node, file: file, context: "service '\(service)' check")
        defer { problems += record.finish() }
        var check = ServiceCheck(url: record.string("url") ?? defaultURL)
        guard check.url.hasPrefix("https://") || check.url.hasPrefix("http://") else {
            record.report(node, "url must be http or https")
            return nil
        }
        let expected = record.strings("expect")
        if !expected.isEmpty {
            let ranges = expected.map(statusRange)
            if ranges.contains(where: { $0 == nil }) {
                record.report(node["expect"]!, "expect must list status codes (200) or ranges (200-299)")
            } else {
                check.expectedStatuses = ranges.compactMap { $0 }
            }
        }
        if let interval = record.number("interval_seconds") { check.intervalSeconds = max(interval, 1) }
        if let timeout = record.number("timeout_seconds") { check.timeoutSeconds = max(timeout, 0.1) }
        if let bundle = record.string("ca_bundle") {
            let path = bundle.hasPrefix("/") ? bundle : files.absolute(bundle)
            if let path, FileManager.default.isReadableFile(atPath: path) {
                check.caBundle = path
            } else {
                record.report(node["ca_bundle"]!, "ca_bundle \(bundle) is not a readable file")
            }
        }
        switch record.string("insecure_skip_tls_verify")?.lowercased() {
        case nil, "false": break
        case "true": check.skipTLSVerify = true
        default: record.report(node["insecure_skip_tls_verify"]!, "insecure_skip_tls_verify must be true or false")
        }
        return check
    }

    private static func statusRange(_ text: String) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, 100 <= low, low <= high,
            high <= 599
        else { return nil }
        return low...high
    }
}

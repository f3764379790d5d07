import Foundation
import Platform
import Status

/// `/diagnostics`: k8sgpt's Results from the Kubernetes API, each linked to the catalog component
/// it concerns when the catalog names it.
struct DiagnosticsModel: Sendable {
    struct Row: Sendable {
        var anchor: String
        var kind: String
        var name: String
        var parent: String?
        var errors: [String]
        var explanation: String?
        var component: EntityLinkModel?
    }

    /// The Kubernetes API is configured.
    var configured: Bool
    var notice: UpstreamNotice?
    var results: [Row]
    /// The API answered and k8sgpt found nothing.
    var isClean: Bool

    init(snapshot: PlatformSnapshot, status: LiveStatus, now: Date) {
        configured = status.diagnostics != nil
        notice = UpstreamNotice(status.diagnostics, upstream: "Kubernetes API", now: now)
        let results = status.diagnostics?.value ?? []
        self.results = results.map { result in
            Row(
                anchor: Self.anchor(result), kind: result.kind, name: result.name, parent: result.parentObject,
                errors: result.errors,
                explanation: result.details,
                component: Self.component(of: result, in: snapshot.catalog).map {
                    EntityLinkModel($0, in: snapshot.catalog)
                })
        }
        isClean = status.diagnostics?.value != nil && results.isEmpty
    }

    static func anchor(_ result: DiagnosticResult) -> String {
        "result-" + result.id.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
    }

    /// The component whose `backstage.io/kubernetes-id` names the object: its name, its parent's
    /// name, or the prefix of a generated name (`ai-gateway-5c8d9f7b6-x2k4q`). The longest id wins.
    static func component(of result: DiagnosticResult, in catalog: Catalog) -> EntityRef? {
        let names = [
            result.objectName, result.parentObject.map { $0.split(separator: "/").last.map(String.init) ?? $0 },
        ].compactMap { $0 }
        var best: (ref: EntityRef, length: Int)?
        for entity in catalog.entities where entity.ref.kind == "component" {
            guard let id = entity.annotations.first(where: { $0.key == "backstage.io/kubernetes-id" })?.value,
                !id.isEmpty
            else { continue }
            if names.contains(where: { $0 == id || $0.hasPrefix(id + "-") }), id.count > best?.length ?? 0 {
                best = (entity.ref, id.count)
            }
        }
        return best?.ref
    }
}

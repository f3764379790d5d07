import Foundation
import GitOps
import Provisioning
import Status
import Store
import Testing

/// The follower's decisions as tables of plain values.
@Suite("Follow rules")
struct FollowRulesTests {
    @Test(
        "a pull request's state moves the request, or leaves it",
        arguments: [
            (RequestStatus.prOpened, PullRequestState.Phase.open, RequestStatus?.none),
            (.prOpened, .merged, .merged),
            (.prOpened, .closed, .closed),
            (.closed, .open, .prOpened),
            (.closed, .merged, .merged),
            (.closed, .closed, nil),
            (.merged, .merged, nil),
            (.deployed, .merged, nil),
            (.degraded, .closed, nil),
        ] as [(RequestStatus, PullRequestState.Phase, RequestStatus?)])
    func forge(_ status: RequestStatus, _ phase: PullRequestState.Phase, _ expected: RequestStatus?) {
        let move = FollowRules.afterForge(status, PullRequestState(phase: phase, mergeCommit: "abc"), appName: "web")
        #expect(move?.to == expected)
    }

    static let objects = [
        FollowRules.Object(kind: "Deployment", name: "web"), FollowRules.Object(kind: "Service", name: "web"),
    ]

    static func app(_ health: String?, sync: String = "Synced", path: String = "gitops/apps/ai-generated")
        -> [ArgoApplicationState]
    {
        [
            ArgoApplicationState(
                name: "ai-generated", paths: [path], revision: nil,
                resources: [
                    .init(
                        group: "apps", kind: "Deployment", namespace: "ai-generated", name: "web", sync: sync,
                        health: health, message: health == "Degraded" ? "progress deadline exceeded" : nil),
                    .init(kind: "Service", namespace: "ai-generated", name: "web", sync: "Synced", health: "Healthy"),
                ], messages: [])
        ]
    }

    @Test(
        "Argo CD's report of the app's objects, before and after the grace time",
        arguments: [
            ("all Synced and Healthy", app("Healthy"), 0.0, "deployed"),
            ("progressing", app("Progressing"), 9_999, "waiting"),
            ("out of sync", app("Healthy", sync: "OutOfSync"), 9_999, "waiting"),
            ("degraded within the grace time", app("Degraded"), 10, "waiting"),
            ("degraded after it", app("Degraded"), 9_999, "degraded"),
            ("missing after it", app("Missing"), 9_999, "degraded"),
            ("not listed after it", [], 9_999, "degraded"),
            ("an application per app folder", app("Healthy", path: "gitops/apps/ai-generated/web"), 0, "deployed"),
            ("another folder's application", app("Healthy", path: "apps/ai-gateway/deploy"), 10, "waiting"),
        ] as [(String, [ArgoApplicationState], Double, String)])
    func deployment(_ label: String, _ applications: [ArgoApplicationState], _ sinceMerge: Double, _ expected: String) {
        let merged = Date(timeIntervalSince1970: 1_000_000)
        let verdict = FollowRules.deployment(
            of: Self.objects, folder: "gitops/apps/ai-generated/web", namespace: "ai-generated",
            applications: applications, mergedAt: merged, now: merged.addingTimeInterval(sinceMerge), degradedAfter: 600
        )
        let kind =
            switch verdict {
            case .deployed: "deployed"
            case .degraded: "degraded"
            case .waiting: "waiting"
            }
        #expect(kind == expected, "\(label)")
        if case .degraded(_, let message) = verdict, label == "degraded after it" {
            #expect(message.contains("Deployment/web Degraded: progress deadline exceeded"))
        }
    }

    @Test("the objects of a manifest are its kinds and names")
    func objects() {
        let manifest = "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nmetadata:\n  name: web\n"
        #expect(
            FollowRules.objects(in: manifest) == [
                .init(kind: "Service", name: "web"), .init(kind: "Deployment", name: "web"),
            ])
    }
}

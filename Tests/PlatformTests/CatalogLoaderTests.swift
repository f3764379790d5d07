import Foundation
import Testing

@testable import Platform

@Suite("Catalog loading")
struct CatalogLoaderTests {
    @Test("a broken repository lists each failure with file and line, and serves the rest")
    func brokenRepository() throws {
        let snapshot = try loadPlatform(repositoryRoot + "/Tests/Fixtures/platforms/broken")
        let catalogProblems = snapshot.problems.filter { $0.file.hasPrefix("catalog/") }.map {
            "\($0.file):\($0.line ?? 0)"
        }
        #expect(
            catalogProblems == [
                "catalog/bad-name.yaml:4",
                "catalog/dangling.yaml:10",
                "catalog/locations.yaml:11",
                "catalog/locations.yaml:12",
                "catalog/locations.yaml:13",
                "catalog/yaml-error.yaml:8",
            ])
        let reasons = snapshot.problems.map(\.reason)
        #expect(reasons.contains { $0.contains("metadata.name 'bad name!' is not a valid name") })
        #expect(
            reasons.contains { $0.contains("refers to component:default/does-not-exist, which is not in the catalog") })
        #expect(reasons.contains { $0.contains("unexpected end of stream") && $0.contains("started at line 5") })
        #expect(reasons.contains { $0.contains("outside the platform repository") })
        #expect(reasons.contains { $0.contains("remote location") })
        // The good entities and the one with a dangling ref still serve.
        let names = Set(snapshot.catalog.entities.map(\.name))
        #expect(names == ["broken-root", "team-a", "good-service", "dangling-service"])
        let dangling = snapshot.catalog.relations(of: EntityRef(kind: "component", name: "dangling-service"))
        #expect(
            dangling.contains(
                Relation(
                    type: .dependsOn, target: EntityRef(kind: "component", name: "does-not-exist"), targetExists: false)
            ))
    }

    @Test("targets are relative to their file, globs and ** included, and each file is read once")
    func locations() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata: {name: root}
            spec:
              targets: [./team.yaml, ../services/*/catalog-info.yaml, ../deep/**/catalog-info.yaml, ./team.yaml]
            """,
            "catalog/team.yaml": teamGroup,
            "services/a/catalog-info.yaml": component("svc-a"),
            "services/b/catalog-info.yaml": component("svc-b"),
            "deep/x/y/z/catalog-info.yaml": component("svc-deep"),
            "deep/catalog-info.yaml": component("svc-shallow"),
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.problems == [])
        #expect(
            Set(snapshot.catalog.entities.map(\.name)) == ["root", "team", "svc-a", "svc-b", "svc-deep", "svc-shallow"])
        #expect(
            snapshot.catalog[EntityRef(kind: "component", name: "svc-deep")]?.source
                == SourceLocation(file: "deep/x/y/z/catalog-info.yaml", line: 1))
    }

    @Test("an entity declared twice keeps the first and reports the second")
    func duplicates() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./a.yaml, ./b.yaml]}",
            "catalog/a.yaml": teamGroup + "\n---\n" + component("svc"),
            "catalog/b.yaml": component("SVC", extra: "  # same entity, other case"),
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.problems.count == 1)
        #expect(snapshot.problems.first?.file == "catalog/b.yaml")
        #expect(snapshot.problems.first?.reason.contains("first declaration, at catalog/a.yaml:9, is kept") == true)
        #expect(snapshot.catalog.entities.filter { $0.ref.kind == "component" }.map(\.name) == ["svc"])
    }

    @Test("unknown kinds are kept and shown; namespaces and ref defaults follow Backstage")
    func kindsAndNamespaces() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {target: ./all.yaml}",
            "catalog/all.yaml": """
            \(teamGroup)
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: team, namespace: payments}
            spec: {type: team, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: billing, namespace: payments}
            spec: {type: service, lifecycle: production, owner: team, dependsOn: ["resource:default/db"]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: db}
            spec: {type: database, owner: group:default/team}
            ---
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata: {name: new-service}
            spec: {type: service}
            """,
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.problems == [])
        let billing = try #require(
            snapshot.catalog[EntityRef(kind: "component", namespace: "payments", name: "billing")])
        #expect(
            billing.owner == EntityRef(kind: "group", namespace: "payments", name: "team"),
            "a bare owner takes the holder's namespace")
        #expect(
            snapshot.catalog.relations(of: EntityRef(kind: "resource", name: "db")).contains(
                Relation(type: .dependencyOf, target: billing.ref, targetExists: true)))
        let template = try #require(snapshot.catalog[EntityRef(kind: "template", name: "new-service")])
        #expect(!template.isCoreKind)
        #expect(template.kind == "Template")
    }

    @Test(
        "entities that break Backstage's rules are refused with the reason",
        arguments: [
            ("kind: Component\nmetadata: {name: x}\nspec: {type: s, lifecycle: l, owner: o}", "apiVersion is required"),
            (
                "apiVersion: v1\nkind: Component\nmetadata: {name: x}\nspec: {type: s, lifecycle: l, owner: o}",
                "apiVersion 'v1' is not of the form group/version"
            ),
            ("apiVersion: backstage.io/v1alpha1\nkind: 9Lives\nmetadata: {name: x}", "kind '9Lives' must be a letter"),
            ("apiVersion: backstage.io/v1alpha1\nkind: Component\nspec: {}", "metadata is required"),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: -x}\nspec: {type: s, lifecycle: l, owner: o}",
                "metadata.name '-x' is not a valid name"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: \(String(repeating: "a", count: 64))}\nspec: {type: s, lifecycle: l, owner: o}",
                "is not a valid name"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x, namespace: Team_A}\nspec: {type: s, lifecycle: l, owner: o}",
                "metadata.namespace 'Team_A' is not a valid namespace"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x, tags: [Has Space]}\nspec: {type: s, lifecycle: l, owner: o}",
                "tag 'Has Space' is not valid"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: s, owner: o}",
                "spec.lifecycle is required for a Component"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: x}\nspec: {type: s, lifecycle: l, owner: o}",
                "spec.definition is required for an API"
            ),
            (
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {}",
                "a Location needs spec.target or spec.targets"
            ),
            ("- just\n- a list", "a catalog entity must be a mapping"),
        ])
    func invalidEntities(_ document: String, _ reason: String) throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {target: ./bad.yaml}",
            "catalog/bad.yaml": document,
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.catalog.entities.map(\.name) == ["root"])
        #expect(snapshot.problems.count == 1)
        #expect(snapshot.problems.first?.file == "catalog/bad.yaml")
        #expect(snapshot.problems.first?.reason.contains(reason) == true, "got \(snapshot.problems)")
    }

    @Test(
        "references parse with Backstage's defaults",
        arguments: [
            ("team", "group", "default", "group:default/team"),
            ("user:alex", "group", "default", "user:default/alex"),
            ("payments/team", "group", "default", "group:payments/team"),
            ("Component:Default/Grafana", nil, "default", "component:default/grafana"),
            ("team", "group", "payments", "group:payments/team"),
        ] as [(String, String?, String, String)])
    func refs(_ text: String, _ defaultKind: String?, _ namespace: String, _ expected: String) throws {
        #expect(
            try EntityRef.parse(text, defaultKind: defaultKind, defaultNamespace: namespace).get().description
                == expected)
    }

    @Test("a dependsOn without a kind is reported, as Backstage requires one")
    func refNeedsKind() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./all.yaml]}",
            "catalog/all.yaml": teamGroup + "\n---\n" + component("svc", extra: "  dependsOn: [postgres]"),
        ])
        let snapshot = try loadPlatform(root)
        #expect(
            snapshot.problems.map(\.reason) == ["spec.dependsOn: 'postgres' needs a kind, such as component:postgres"])
        #expect(snapshot.catalog[EntityRef(kind: "component", name: "svc")] != nil)
    }

    @Test("a remote $text definition is not fetched: the API loads without it; mcp-server APIs need none")
    func remoteDefinition() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./api.yaml]}",
            "catalog/api.yaml": teamGroup + """

                ---
                apiVersion: backstage.io/v1alpha1
                kind: API
                metadata: {name: remote}
                spec:
                  type: openapi
                  lifecycle: production
                  owner: team
                  definition:
                    $text: https://example.com/openapi.yaml
                ---
                apiVersion: backstage.io/v1alpha1
                kind: API
                metadata: {name: mcp}
                spec: {type: mcp-server, lifecycle: experimental, owner: team, remotes: [{type: streamable-http, url: "http://localhost:7007/api/mcp/v1"}]}
                """,
        ])
        let snapshot = try loadPlatform(root)
        #expect(
            snapshot.problems.map(\.reason) == [
                "spec.definition $text: remote definition https://example.com/openapi.yaml is not fetched; the API is shown without it"
            ])
        #expect(snapshot.catalog[EntityRef(kind: "api", name: "remote")]?.definition == nil)
        #expect(snapshot.catalog[EntityRef(kind: "api", name: "mcp")] != nil)
    }

    @Test(
        "an entity's spec is read again from its file for its page: all of it but a definition shown apart, and a note once the file changed"
    )
    func specReadAgain() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./api.yaml]}",
            "catalog/openapi.yaml": "openapi: 3.0.0\ninfo: {title: Orders, version: '1'}\npaths: {}\n",
            "catalog/api.yaml": teamGroup + """

                ---
                apiVersion: backstage.io/v1alpha1
                kind: API
                metadata: {name: orders}
                spec:
                  type: openapi
                  lifecycle: production
                  owner: team
                  definition:
                    $text: ./openapi.yaml
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Widget
                metadata: {name: nothing-to-show}
                """,
        ])
        let catalog = try loadPlatform(root).catalog
        let api = try #require(catalog[EntityRef(kind: "api", name: "orders")])
        #expect(catalog.spec(of: api) == .text("type: openapi\nlifecycle: production\nowner: team\n"))
        let group = try #require(catalog[EntityRef(kind: "group", name: "team")])
        #expect(catalog.spec(of: group) != .none)
        #expect(catalog.spec(of: try #require(catalog[EntityRef(kind: "widget", name: "nothing-to-show")])) == .none)

        let file = root + "/catalog/api.yaml"
        let edited = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
            of: "production", with: "deprecated")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(catalog.spec(of: api) == .changed)
    }

    @Test("a $text definition outside the repository is refused")
    func placeholderOutside() throws {
        let root = try temporaryPlatform([
            "catalog/locations.yaml":
                "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec: {targets: [./api.yaml]}",
            "catalog/api.yaml": teamGroup
                + "\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team\n  definition:\n    $text: ../../../../etc/passwd\n",
        ])
        let snapshot = try loadPlatform(root)
        #expect(snapshot.problems.first?.reason.contains("outside the platform repository") == true)
        #expect(snapshot.catalog[EntityRef(kind: "api", name: "api")] == nil)
    }

    @Test("a missing root folder fails the whole load")
    func missingRoot() {
        #expect(throws: PlatformUnavailable.self) { try loadPlatform("/no/such/platform") }
    }

    @Test(
        "an entity's relations are listed by type, then by target, dangling targets last; one declared on both sides shows once"
    )
    func relationOrder() throws {
        let documents = [
            component("web", extra: "  dependsOn: [component:zeta, component:alpha, component:ghost, resource:db]"),
            component("alpha"), component("zeta", extra: "  dependencyOf: [component:web]"),
            """
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata:
              name: db
            spec:
              type: database
              owner: team
            """,
            """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: team
            spec:
              type: team
              children: []
            """,
        ]
        let root = try temporaryPlatform([
            "catalog/locations.yaml": documents.joined(separator: "\n---\n")
        ])
        let catalog = try loadPlatform(root).catalog
        let web = catalog.relations(of: EntityRef(kind: "component", name: "web")).map {
            "\($0.type.rawValue) \($0.target)"
        }
        #expect(
            web == [
                "ownedBy group:default/team", "dependsOn component:default/alpha", "dependsOn component:default/zeta",
                "dependsOn resource:default/db", "dependsOn component:default/ghost",
            ])
        let zeta = catalog.relations(of: EntityRef(kind: "component", name: "zeta")).map {
            "\($0.type.rawValue) \($0.target)"
        }
        #expect(zeta == ["ownedBy group:default/team", "dependencyOf component:default/web"])
        #expect(catalog.relations(of: EntityRef(kind: "component", name: "not-there")).isEmpty)
    }
}

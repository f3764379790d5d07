// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "homeport",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "homeport", targets: ["homeport"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", exact: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        // Already in the graph through Hummingbird; named here because PageReplayHandler is a NIO handler.
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
    ],
    targets: [
        // C libraries: one system-library target each, wrapped once by the Swift module below it.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCmarkGFM", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "HTTPClient", dependencies: ["CCurl"]),
        .target(name: "YAML", dependencies: ["CLibYAML"]),
        .target(name: "Markdown", dependencies: ["CCmarkGFM"]),
        .target(name: "Zlib", dependencies: ["CZlib"]),

        // Who a request comes from (auth modes, token hashes, trusted proxies); pure, no server.
        .target(name: "Auth"),
        .target(name: "DNSNames"),
        .target(name: "Config", dependencies: ["YAML", "Auth", "DNSNames"]),
        .target(
            name: "Platform", dependencies: ["YAML", "Markdown", "DNSNames", "SiteURL", "Manifests", "CFileSystem"]),
        // The paths of the portal's pages, for every link to one (Platform renders some at load).
        .target(name: "SiteURL"),
        // statfs(2), which Swift's Glibc module lacks: the data folder's file system type.
        .target(name: "CFileSystem"),
        // malloc_trim(3), which Swift's Glibc module lacks: the load's scratch memory back to the system.
        .target(name: "CMalloc"),
        // The values a request stores as JSON: what was asked, the policy's findings, the proposed files.
        .target(name: "RequestValues"),
        .target(
            name: "Store",
            dependencies: ["CFileSystem", "RequestValues", .product(name: "GRDB", package: "GRDB.swift")]),
        // Creating apps: manifest checks, model and Git provider clients, and the flow that ties them.
        .target(name: "Manifests", dependencies: ["YAML", "DNSNames", "RequestValues"]),
        .target(name: "Ollama", dependencies: ["HTTPClient"]),
        .target(name: "GitOps", dependencies: ["HTTPClient", "RequestValues"]),
        // Live platform status: service checks and the Kubernetes, Prometheus, Alertmanager, Argo CD and Ollama pollers.
        .target(
            name: "Status",
            dependencies: ["HTTPClient", "Platform", "Ollama", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Provisioning",
            dependencies: [
                "Manifests", "Ollama", "GitOps", "Store", "Platform", "YAML", "DNSNames", "Status", "RequestValues",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Portal",
            dependencies: [
                "Config", "Auth", "Platform", "Store", "Provisioning", "Status", "Zlib", "Markdown", "Manifests",
                "CMalloc",
                "GitOps", "Ollama", "HTTPClient", "SiteURL", "RequestValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "homeport",
            dependencies: [
                "Portal", "Config", "Platform", "Store", "Manifests", "YAML", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Fakes on 127.0.0.1 shared by the test targets: Ollama, GitHub, Gitea, the
        // Kubernetes/Prometheus/Alertmanager/Argo CD APIs and TLS servers.
        .target(
            name: "FakeUpstreams",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FakeUpstreams"
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "ZlibTests", dependencies: ["Zlib", "CZlib"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Auth"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth"]),
        // Seeded fuzzing of the YAML and Markdown wrappers and the model-output extraction.
        .testTarget(name: "FuzzTests", dependencies: ["YAML", "Markdown", "Manifests"]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "RequestValues", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ManifestsTests", dependencies: ["Manifests", "YAML", "RequestValues"]),
        .testTarget(
            name: "StatusTests",
            dependencies: [
                "Status", "Platform", "HTTPClient", "FakeUpstreams",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "OllamaTests",
            dependencies: [
                "Ollama", "HTTPClient", "FakeUpstreams", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "GitOpsTests",
            dependencies: [
                "GitOps", "HTTPClient", "FakeUpstreams", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // The recovery and pull request text tests run the whole flow against the fake forges.
                "Provisioning", "Store", "Markdown", "Ollama", "Status", "RequestValues",
            ]
        ),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: [
                "Provisioning", "Platform", "GitOps", "Manifests", "Ollama", "Store", "YAML", "FakeUpstreams",
                "RequestValues",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs the built `homeport` executable, as users and scripts do.
        .testTarget(
            name: "homeportTests",
            dependencies: [
                "homeport", "HTTPClient", "FakeUpstreams", "Store", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "PortalTests",
            dependencies: [
                "Portal", "Auth", "Config", "Platform", "HTTPClient", "Provisioning", "GitOps", "Ollama", "Store",
                "Status", "SiteURL", "FakeUpstreams", "RequestValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
    ]
)

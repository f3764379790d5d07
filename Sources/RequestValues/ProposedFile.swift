/// One file a pull request proposes, as a request stores it until the pull request is open.
public struct ProposedFile: Sendable, Equatable, Codable {
    /// Path inside the repository (`gitops/apps/ai-generated/web/manifest.yaml`).
    public var path: String
    public var content: String

    public init(path: String, content: String) {
        self.path = path
        self.content = content
    }
}

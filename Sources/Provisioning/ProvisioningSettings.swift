import Manifests
import Ollama
import Platform

/// How the new-app flow runs, from the configuration.
public struct ProvisioningSettings: Sendable {
    public var policy: ManifestPolicy
    /// Hosts the platform serves now (its service links, the portal), read at each check so that a
    /// reload of the platform repository counts; added to `policy.reservedHosts`.
    public var platformHosts: @Sendable () -> Set<String>
    /// The Ollama model drafts come from.
    public var model: String
    public var chatOptions: ChatOptions
    /// Folder of the GitOps repository that new apps go into (`gitops/apps/ai-generated`).
    public var gitopsFolder: String
    public var baseBranch: String
    /// Address of this portal as reviewers reach it, for links in pull request bodies.
    public var publicURL: String
    /// At most this many Ollama generations at once (the GPU box serves one model).
    public var ollamaConcurrency: Int
    /// At most this many template generations and pull request openings at once.
    public var otherConcurrency: Int
    /// Longest a model generation may take, in seconds (the API's synchronous call waits for two
    /// of them: the draft and one repair).
    public var generationTimeout: Double
    /// Most requests waiting or in work at once; beyond it submissions are refused (429).
    public var queueLimit: Int
    /// Most requests one signed-in user may have waiting or in work (429 beyond).
    public var perUserLimit: Int
    /// Form requests open their pull request as soon as the manifests pass (false: preview first).
    public var autoPR: Bool
    /// How transient failures of the Git provider are retried (`gitops.retry_*`).
    public var forgeRetry: ForgeRetrySchedule
    /// The platform repository's known images, as the current platform snapshot holds them (a
    /// reload brings a changed file in; its problems are on the errors page).
    public var knownImages: @Sendable () -> KnownImages

    public init(
        policy: ManifestPolicy = ManifestPolicy(), model: String = "qwen2.5-coder:7b",
        chatOptions: ChatOptions = ChatOptions(),
        gitopsFolder: String = "gitops/apps/ai-generated", baseBranch: String = "main",
        publicURL: String = "http://127.0.0.1:8080",
        ollamaConcurrency: Int = 1, otherConcurrency: Int = 4, autoPR: Bool = false, generationTimeout: Double = 600,
        queueLimit: Int = 50,
        perUserLimit: Int = 3, forgeRetry: ForgeRetrySchedule = ForgeRetrySchedule(),
        platformHosts: @escaping @Sendable () -> Set<String> = { [] },
        knownImages: @escaping @Sendable () -> KnownImages = { KnownImages() }
    ) {
        self.knownImages = knownImages
        self.policy = policy
        self.platformHosts = platformHosts
        self.model = model
        self.chatOptions = chatOptions
        self.gitopsFolder = gitopsFolder
        self.baseBranch = baseBranch
        self.publicURL = publicURL
        self.ollamaConcurrency = ollamaConcurrency
        self.otherConcurrency = otherConcurrency
        self.autoPR = autoPR
        self.generationTimeout = generationTimeout
        self.queueLimit = queueLimit
        self.perUserLimit = perUserLimit
        self.forgeRetry = forgeRetry
    }

    /// The policy a check runs under now: `policy` with the platform's current hosts reserved.
    public var currentPolicy: ManifestPolicy {
        var current = policy
        current.reservedHosts.formUnion(platformHosts())
        return current
    }
}

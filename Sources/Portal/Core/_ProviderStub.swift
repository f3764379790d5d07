import Config
import GitOps
func makeGitProvider(config: HomeportConfig) throws -> any GitProvider { fatalError() }

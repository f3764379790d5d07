import Foundation

/// A token or secret named by a `*_file` key, else by an environment variable. The file wins; it
/// is read whole at each call (a mounted Kubernetes Secret is replaced when it rotates) and
/// trimmed (such files end with a newline). The secret itself never appears in a message.
public struct SecretSource: Sendable {
    /// The configuration key of the file, for messages: `gitops.github.token_file`.
    public var fileKey: String
    public var file: String
    /// The environment variable read when no file is set.
    public var variable: String

    public init(fileKey: String, file: String, variable: String) {
        self.fileKey = fileKey
        self.file = file
        self.variable = variable
    }

    /// Why no secret could be read: the file is unreadable or empty, or neither is set.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    public func read(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Unavailable)
        -> String
    {
        if !file.isEmpty {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else {
                throw Unavailable(description: "cannot read a token from \(file) (\(fileKey))")
            }
            return secret
        }
        guard let secret = environment[variable], !secret.isEmpty else {
            throw Unavailable(description: "no token: set the environment variable \(variable) or \(fileKey)")
        }
        return secret
    }
}

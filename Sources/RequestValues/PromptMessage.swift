/// One message sent to the model, as a generation attempt records it.
public struct PromptMessage: Sendable, Equatable, Codable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

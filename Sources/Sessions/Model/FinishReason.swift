/// Why an assistant message ended; an open set, with the reasons the Mix backend writes as constants.
///
/// Any reason other than ``toolUse`` ends a run: appending such a message while the session is processing
/// also records ``ProcessingFinished``.
public struct FinishReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The reason as stored, e.g. `end_turn`.
    public let rawValue: String
    /// Creates a reason, or `nil` when `rawValue` is empty.
    public init?(rawValue: String) {
        guard !rawValue.isEmpty else { return nil }
        self.rawValue = rawValue
    }
    private init(known: String) { rawValue = known }

    /// The model finished its turn.
    public static let endTurn = FinishReason(known: "end_turn")
    /// The model hit its output token limit.
    public static let maxTokens = FinishReason(known: "max_tokens")
    /// The model called tools; the run continues with their results.
    public static let toolUse = FinishReason(known: "tool_use")
    /// The user cancelled the run.
    public static let canceled = FinishReason(known: "canceled")
    /// The run failed.
    public static let error = FinishReason(known: "error")
    /// A tool was denied permission.
    public static let permissionDenied = FinishReason(known: "permission_denied")
    /// A stop sequence ended the message; non-assistant messages carry it too.
    public static let stop = FinishReason(known: "stop")

    /// Whether a message with this reason ends the run (every reason but ``toolUse``).
    public var endsRun: Bool { self != .toolUse }

    /// The reason as stored.
    public var description: String { rawValue }
}

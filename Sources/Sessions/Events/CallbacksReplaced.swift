/// The session's Mix callbacks were replaced as a whole (an empty list clears them).
///
/// Wire type `callbacks.replaced`, schema version 1.
public struct CallbacksReplaced: Sendable, Equatable, Codable {
    /// The callbacks now in force, in order.
    public var callbacks: [Callback]

    /// Creates the event.
    public init(callbacks: [Callback]) { self.callbacks = callbacks }
}

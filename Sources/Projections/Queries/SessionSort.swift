/// The order of a session list: by one field, ties (and missing values, which sort first ascending) in
/// creation order — newest first when descending, oldest first ascending.
public struct SessionSort: Sendable, Equatable {
    /// The field to order by.
    public var field: SessionField
    /// Whether larger values come first.
    public var descending: Bool

    /// Creates a sort; the default is newest first.
    public init(field: SessionField = .createdAt, descending: Bool = true) {
        self.field = field
        self.descending = descending
    }
}

extension EventLog {
    /// Whether the log was opened read-only (``Configuration/isReadOnly``): it answers reads and changes nothing.
    public var isReadOnly: Bool { configuration.isReadOnly }

    /// The error an operation that would change the log meets when it was opened read-only, or `nil`.
    func readOnlyRefusal(of operation: String) -> EventLogError? {
        configuration.isReadOnly ? .readOnly(operation: operation, location: directory) : nil
    }
}

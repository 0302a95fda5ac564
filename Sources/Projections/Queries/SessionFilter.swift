import Foundation

/// A condition on sessions for ``ProjectionStore/sessionList(_:)``, evaluated in SQL.
///
/// Comparisons follow JSON's kinds: a number never equals or orders against text; `ne` and `nin` match a
/// missing value; `exists` and `isNull` treat a missing value and JSON null alike.
public indirect enum SessionFilter: Sendable, Equatable {
    /// Every child holds (true when empty).
    case all([SessionFilter])
    /// At least one child holds.
    case any([SessionFilter])
    /// No child holds.
    case none([SessionFilter])
    /// `field op value`; text comparisons ignore case unless `caseSensitive`.
    case condition(SessionField, Operator, Value, caseSensitive: Bool)

    /// A comparison.
    public enum Operator: String, Sendable, CaseIterable {
        case eq, ne, gt, lt, gte, lte
        /// The value is a ``Value/list(_:)`` holding the field's value.
        case `in`
        /// The value is a ``Value/list(_:)`` not holding the field's value.
        case nin
        /// Text containing the value, or an array holding it.
        case contains
        case startsWith
        case endsWith
        /// Present and not null when the value is true (or null), absent or null when false.
        case exists
        /// Absent or null when the value is true (or null), present when false.
        case isNull
    }

    /// A value to compare with.
    public enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case text(String)
        case time(Date)
        case list([Value])
    }
}

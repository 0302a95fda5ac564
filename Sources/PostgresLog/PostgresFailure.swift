import EventLog
import PostgresNIO

/// Reads what PostgreSQL or the client reported, without the bound values (event bodies never reach a message).
enum PostgresFailure {
    /// SQLSTATE 23505, `unique_violation`.
    static let uniqueViolation = "23505"

    /// The SQLSTATE of a server error, looking through a transaction wrapper.
    static func sqlState(of error: any Error) -> String? {
        psqlError(error)?.serverInfo?[.sqlState]
    }

    /// The constraint a server error names, if any.
    static func constraint(of error: any Error) -> String? {
        psqlError(error)?.serverInfo?[.constraintName]
    }

    /// A short operator-facing reason: the server's message and SQLSTATE, or the client's error code.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresLogError { return error.description }
        if let error = error as? EventLogError { return error.description }
        guard let psql = psqlError(error) else { return String(describing: type(of: error)) + ": \(error)" }
        if let info = psql.serverInfo, let message = info[.message] {
            return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }

    /// The error as the log's contract reports it: a store that cannot be reached.
    static func unavailable(_ error: any Error) -> EventLogError {
        if let error = error as? EventLogError { return error }
        return .unavailable(reason: describe(error))
    }

    /// An append's error as the log's contract reports it: ``unavailable(_:)`` when the server could not be reached
    /// or reported the connection, the server's state, a lock, a conflict between transactions or a timeout (a
    /// retry may succeed), ``EventLog/EventLogError/refused(reason:)`` for any other error the server reported (it
    /// would refuse a retry too).
    static func appendFailure(_ error: any Error) -> EventLogError {
        if let error = error as? EventLogError { return error }
        guard let state = sqlState(of: error) else { return unavailable(error) }
        let retryable = ["08", "53", "57", "58"].contains(String(state.prefix(2)))
            || ["40001", "40P01", "55P03", "55006", "25P03"].contains(state)
        return retryable ? unavailable(error) : .refused(reason: describe(error))
    }

    private static func psqlError(_ error: any Error) -> PSQLError? {
        if let error = error as? PSQLError { return error }
        if let transaction = error as? PostgresTransactionError {
            for inner in [transaction.closureError, transaction.commitError, transaction.beginError] {
                if let inner, let found = psqlError(inner) { return found }
            }
        }
        return nil
    }
}

import ArgumentParser
import EventLog
import Foundation
import PostgresLog
import SessionAPI

/// Runs `body`; a failure an operator can act on (a locked directory, a corrupt segment, a
/// missing dictionary, an unreachable or too new PostgreSQL log, an unreadable key file) is printed as one line on
/// standard error and exits with status 1.
func exitOnOperatorError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as EventLogError {
        FileHandle.standardError.write(Data("sessiond: \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as PostgresLogError {
        FileHandle.standardError.write(Data("sessiond: \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as APIKeyStoreError {
        FileHandle.standardError.write(Data("sessiond: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]` URL, as libpq reads one.
///
/// `sslmode`: `disable` (plain), `prefer` (TLS when the server offers it; the default, as in libpq), `require`
/// (TLS or fail, certificate not checked, as in libpq), `verify-full` (TLS with the certificate checked against
/// the system's roots and the host name). A missing password falls back to `PGPASSWORD`.
struct PostgresURL: Sendable {
    enum TLSMode: String, Sendable { case disable, prefer, require, verifyFull = "verify-full" }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var tls: TLSMode
    /// The URL without its password, for logs and messages.
    var redacted: String

    init(_ text: String) throws(PostgresLogError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else { throw .invalidURL(text, reason: "not a postgres:// URL") }
        var shown = components
        if shown.password != nil { shown.password = "***" }
        redacted = shown.string ?? "postgres://…"
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(redacted, reason: "no host") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL(redacted, reason: "no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL(redacted, reason: "no database") }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.database = database
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        switch mode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer
        case "require", "verify-ca": tls = .require
        case "verify-full": tls = .verifyFull
        default: throw .invalidURL(redacted, reason: "unknown sslmode '\(mode)'")
        }
        for item in components.queryItems ?? [] where item.name != "sslmode" {
            throw .invalidURL(redacted, reason: "unknown parameter '\(item.name)' (only sslmode is understood)")
        }
    }

    /// The client configuration for this URL.
    func clientConfiguration() -> PostgresClient.Configuration {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS =
            switch self.tls {
            case .disable: .disable
            case .prefer: .prefer(unverified)
            case .require: .require(unverified)
            case .verifyFull: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}

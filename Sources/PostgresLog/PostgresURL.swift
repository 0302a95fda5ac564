import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]` URL, as libpq reads one.
///
/// `sslmode`: `disable` (plain), `prefer` (TLS when the server offers it; the default, as in libpq), `require`
/// (TLS or fail, certificate not checked, as in libpq), `verify-ca` (TLS with the certificate checked against the
/// system's roots, not the host name), `verify-full` (the roots and the host name). A missing password falls back
/// to `PGPASSWORD`.
struct PostgresURL: Sendable {
    enum TLSMode: String, Sendable {
        case disable, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

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
        case "require": tls = .require
        case "verify-ca": tls = .verifyCA
        case "verify-full": tls = .verifyFull
        default: throw .invalidURL(redacted, reason: "unknown sslmode '\(mode)'")
        }
        for item in components.queryItems ?? [] where item.name != "sslmode" {
            throw .invalidURL(redacted, reason: "unknown parameter '\(item.name)' (only sslmode is understood)")
        }
    }

    /// The client configuration for this URL.
    func clientConfiguration() -> PostgresClient.Configuration {
        var tls = PostgresClient.Configuration.TLS.disable
        if let certificateVerification {
            var configuration = TLSConfiguration.makeClientConfiguration()  // the system's trust roots
            configuration.certificateVerification = certificateVerification
            tls = self.tls == .prefer ? .prefer(configuration) : .require(configuration)
        }
        return PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// How the server's certificate is checked; nil without TLS.
    var certificateVerification: CertificateVerification? {
        switch tls {
        case .disable: nil
        case .prefer, .require: CertificateVerification.none
        case .verifyCA: .noHostnameVerification
        case .verifyFull: .fullVerification
        }
    }
}

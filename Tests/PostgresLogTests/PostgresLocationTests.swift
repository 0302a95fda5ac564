import EventLog
import Foundation
import NIOSSL
import Testing

@testable import PostgresLog

/// `--log` locations and `postgres://` URLs; no server needed.
@Suite struct PostgresLocationTests {
    @Test func parsesLocationsAndHidesPasswords() {
        #expect(LogLocation("postgres://u:secret@h:5433/db") == .postgres(url: "postgres://u:secret@h:5433/db"))
        #expect(LogLocation("postgres://u:secret@h:5433/db").description == "postgres://u:***@h:5433/db")
        #expect(LogLocation("POSTGRESQL://u@h/db") == .postgres(url: "POSTGRESQL://u@h/db"))
        #expect(LogLocation("/srv/sessiond") == .directory("/srv/sessiond"))
    }

    @Test(arguments: [
        ("disable", PostgresURL.TLSMode.disable, nil), ("prefer", .prefer, CertificateVerification.none),
        ("require", .require, CertificateVerification.none), ("verify-ca", .verifyCA, .noHostnameVerification),
        ("verify-full", .verifyFull, .fullVerification),
    ] as [(String, PostgresURL.TLSMode, CertificateVerification?)])
    func eachSSLModeChecksTheCertificateAsLibpqDoes(
        mode: String, parsed: PostgresURL.TLSMode, verification: CertificateVerification?
    ) throws {
        let url = try PostgresURL("postgres://u@h/db?sslmode=\(mode)")
        #expect(url.tls == parsed)
        #expect(url.certificateVerification == verification)
    }

    @Test(arguments: [
        ("postgres://h/db", "no user"), ("postgres://u@h", "no database"), ("postgres://u@h/db?sslmode=bogus", "sslmode"),
        ("postgres://u@h/db?foo=1", "foo"),
    ])
    func invalidURLsAreRefused(url: String, reason: String) async {
        await #expect {
            _ = try await PostgresLogStore.open(url: url, configuration: PostgresFixtures.configuration())
        } throws: { error in
            guard case PostgresLogError.invalidURL(_, let found) = error else { return false }
            return found.contains(reason)
        }
    }
}

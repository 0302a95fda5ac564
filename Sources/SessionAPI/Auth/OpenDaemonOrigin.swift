import HTTPTypes
import Hummingbird

/// Who may use a daemon without API keys: the processes of its machine, not the web pages its user's browser shows.
///
/// An open daemon listens on loopback only, which keeps other machines out but not another site's page: the
/// browser would send that page's requests to `127.0.0.1` (and, with CORS open to every origin, let it read the
/// answers), or reach the daemon under the site's own name once its DNS answers `127.0.0.1` (DNS rebinding). So
/// an open daemon refuses a request whose `Origin` is not a loopback page (the console it serves is one) and one
/// whose `Host` is not a loopback name. Clients that are not browsers send no `Origin`; theirs is a loopback
/// `Host`. With API keys none of this applies: a page has no key.
enum OpenDaemonOrigin {
    /// Throws 403 `cross_origin_refused` for a request from another site's page.
    static func check(_ request: Request) throws {
        if let origin = request.headers[.origin], !isThisMachine(host(ofOrigin: origin)) {
            throw refused("a page of \(origin)")
        }
        if let authority = request.head.authority, !isThisMachine(host(ofAuthority: authority)) {
            throw refused("the host name \(authority)")
        }
    }

    /// A loopback name or address, or `0.0.0.0`, which reaches the machine's own daemon too (no site's name is).
    private static func isThisMachine(_ host: Substring?) -> Bool {
        isLoopback(host: host) || host == "0.0.0.0"
    }

    /// `localhost` (or, with `namesUnderLocalhost`, a name under it), an IPv4 loopback address (127.0.0.0/8) or
    /// `::1`, without brackets; a trailing dot (a fully qualified name) is allowed.
    static func isLoopback(host: Substring?, namesUnderLocalhost: Bool = true) -> Bool {
        guard var host = host?.lowercased() else { return false }
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" || (namesUnderLocalhost && host.hasSuffix(".localhost")) || host == "::1"
            || host == "0:0:0:0:0:0:0:1"
        {
            return true
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The host of `scheme://host[:port]`; `nil` for an opaque origin (`null`: a file, a sandboxed frame).
    static func host(ofOrigin origin: String) -> Substring? {
        guard let separator = origin.range(of: "://") else { return nil }
        return host(ofAuthority: origin[separator.upperBound...])
    }

    /// The host of `host[:port]` or `[ipv6][:port]`.
    static func host(ofAuthority authority: some StringProtocol) -> Substring? {
        let text = Substring(authority)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            return text[text.index(after: text.startIndex)..<close]
        }
        return text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first
    }

    private static func refused(_ what: String) -> APIError {
        APIError(
            status: .forbidden, code: "cross_origin_refused",
            message: "This daemon has no API keys, so it answers only clients on its own machine, not \(what). "
                + "Use 127.0.0.1 or localhost, or create a key (sessiond keys create) to serve other origins.")
    }
}

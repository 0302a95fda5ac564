import Blobs
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The active API keys a running daemon checks requests against, by SHA-256 of the presented secret.
///
/// A daemon whose key file holds no key at all serves openly on loopback; once a key was created it requires one,
/// even after every key was revoked (then it refuses every request).
///
/// Loaded from an ``APIKeyStore`` when the application is built. Before each check the key file's identity
/// (inode, size, modification time) is compared with the one loaded — one `stat`, about a microsecond — and
/// the file is re-read when it changed, so `sessiond keys create` and `revoke` take effect on the next request
/// without a restart. A file that cannot be read keeps the keys already loaded (and is logged by the caller).
public final class APIKeyring: Sendable {
    private struct Loaded {
        /// The active keys, by SHA-256 of the secret.
        var keys: [String: APIKey]
        /// Whether the file holds any key, revoked ones included.
        var holdsKeys: Bool
        var fingerprint: Fingerprint?

        init(_ all: [APIKey], fingerprint: Fingerprint?) {
            keys = Dictionary(all.filter(\.isActive).map { ($0.sha256, $0) }, uniquingKeysWith: { first, _ in first })
            holdsKeys = !all.isEmpty
            self.fingerprint = fingerprint
        }
    }

    /// The key file's identity; a value, so the check before every request allocates nothing.
    private struct Fingerprint: Equatable {
        var inode: UInt64
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
    }

    private let store: APIKeyStore
    private let requiresKeys: Bool
    private let loaded: Mutex<Loaded>
    /// Held while a changed key file is read.
    private let reading = Mutex(())

    /// Loads the store's active keys.
    /// - Parameters:
    ///   - store: The data directory's key file.
    ///   - requiresKeys: Refuse every request while no key is active, instead of serving openly (a daemon
    ///     bound off loopback, whose last key was revoked, must not become open).
    /// - Throws: ``APIKeyStoreError`` when the key file cannot be read.
    public init(store: APIKeyStore, requiresKeys: Bool = false) throws(APIKeyStoreError) {
        self.store = store
        self.requiresKeys = requiresKeys
        let fingerprint = Self.fingerprint(of: store.path)
        loaded = Mutex(Loaded(try store.keys(), fingerprint: fingerprint))
    }

    /// Whether any key is active.
    public var hasKeys: Bool { loaded.withLock { !$0.keys.isEmpty } }

    /// Whether every key ever created was revoked: then every request is refused.
    public var allRevoked: Bool { loaded.withLock { $0.holdsKeys && $0.keys.isEmpty } }

    /// Whether requests pass without a key: none was ever created, and none is required. Revoking the last key
    /// does not open a daemon that had keys (its former users' keys would then pass, and see every namespace);
    /// removing the key file does.
    var isOpen: Bool { !requiresKeys && !loaded.withLock { $0.holdsKeys } }

    /// Re-reads the key file if it changed since it was last read.
    /// - Throws: ``APIKeyStoreError`` when the changed file cannot be read (the loaded keys stay).
    func refreshIfChanged() throws(APIKeyStoreError) {
        let fingerprint = Self.fingerprint(of: store.path)
        guard loaded.withLock({ $0.fingerprint != fingerprint }) else { return }
        // One caller at a time reads a changed file, and the others wait for it rather than check against the keys
        // it replaces; once it is read they find it current (every open stream checks each second: they must not
        // all read it).
        try reading.withLock { _ throws(APIKeyStoreError) in
            guard loaded.withLock({ $0.fingerprint != fingerprint }) else { return }
            let reloaded = Loaded(try store.keys(), fingerprint: fingerprint)
            loaded.withLock { $0 = reloaded }
        }
    }

    /// Whether the key `keyID` is active now, the key file re-read first if it changed (an unreadable file keeps
    /// the keys loaded).
    func isActive(keyID: String) -> Bool {
        try? refreshIfChanged()
        return loaded.withLock { $0.keys.values.contains { $0.id == keyID } }
    }

    /// The active key whose secret is `secret`, if any.
    func key(forSecret secret: String) -> APIKey? {
        let digest = BlobDigest(of: Array(secret.utf8)).hex
        return loaded.withLock { $0.keys[digest] }
    }

    /// Inode, size and modification time of `path`; `nil` when it does not exist.
    private static func fingerprint(of path: String) -> Fingerprint? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Fingerprint(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), modifiedSeconds: Int(info.st_mtim.tv_sec),
            modifiedNanoseconds: Int(info.st_mtim.tv_nsec))
    }
}

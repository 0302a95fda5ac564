import Blobs
import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The API keys of a data directory, in `<data>/keys.json`: ids, namespaces, SHA-256 digests, creation and
/// revocation times — never a key itself.
///
/// Changes rewrite the file durably (temporary file, fsync, rename, directory fsync) under an advisory lock
/// on `<data>/keys.lock`, so concurrent `sessiond keys` commands never lose each other's changes and a crash
/// leaves the old or the new file. A running `serve` reads the file at start and again on the next request after
/// it changed (``APIKeyring``).
public struct APIKeyStore: Sendable {
    /// The data directory.
    public let directory: String

    /// The key file's path.
    public var path: String { directory + "/keys.json" }

    /// A store for the data directory `directory` (nothing is read until asked).
    public init(directory: String) {
        self.directory = directory
    }

    /// Every key, revoked ones included, oldest first; none when the file does not exist.
    /// - Throws: ``APIKeyStoreError/unreadable(path:reason:)`` for a file that is not a key file, or one that exists
    ///   but cannot be read (permissions, a directory): read as "no keys", it would open a loopback daemon to every
    ///   namespace.
    public func keys() throws(APIKeyStoreError) -> [APIKey] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var status = stat()
            if stat(path, &status) != 0, errno == ENOENT { return [] }
            throw .unreadable(path: path, reason: "it exists but cannot be read (check its permissions)")
        }
        return try Self.decode(Array(data), source: path)
    }

    /// Adds `keys` to the file: keys it lacks are added, and a key revoked in either is revoked
    /// (``APIKey/merged(_:_:)``); a file that already holds them all is not rewritten.
    /// - Returns: Every key of the file afterwards.
    @discardableResult
    public func merge(_ keys: [APIKey]) throws(APIKeyStoreError) -> [APIKey] {
        try update { current in
            current = APIKey.merged(current, keys)
            return current
        }
    }

    /// Creates a key for `namespace` and returns it with its secret, which is shown once and stored nowhere.
    /// - Throws: ``APIKeyStoreError/invalidNamespace(_:)``, or an I/O error (nothing changed).
    public func create(namespace: String, now: Date = Date()) throws(APIKeyStoreError) -> (key: APIKey, secret: String) {
        guard Self.isValid(namespace: namespace) else { throw .invalidNamespace(namespace) }
        let secret = "sk_" + Self.randomHex(bytes: 32)
        let key = APIKey(
            id: "key_" + Self.randomHex(bytes: 8), namespace: namespace, sha256: BlobDigest(of: Array(secret.utf8)).hex,
            createdAt: now, revokedAt: nil)
        try update { $0.append(key) }
        return (key, secret)
    }

    /// Revokes the key `id` (kept in the file with its revocation time); revoking twice changes nothing.
    /// - Returns: The revoked key.
    /// - Throws: ``APIKeyStoreError/unknownKey(id:)``, or an I/O error.
    @discardableResult
    public func revoke(id: String, now: Date = Date()) throws(APIKeyStoreError) -> APIKey {
        try update { keys throws(APIKeyStoreError) in
            guard let index = keys.firstIndex(where: { $0.id == id }) else { throw .unknownKey(id: id) }
            if keys[index].revokedAt == nil { keys[index].revokedAt = now }
            return keys[index]
        }
    }

    /// Whether `namespace` can name a key's namespace.
    static func isValid(namespace: String) -> Bool {
        (1...128).contains(namespace.utf8.count)
            && namespace.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }

    /// Reads, changes and durably rewrites the file while holding the lock.
    private func update<T>(_ change: (inout [APIKey]) throws(APIKeyStoreError) -> T) throws(APIKeyStoreError) -> T {
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw .io(operation: "mkdir", path: directory, errno: errno)
        }
        let lockPath = directory + "/keys.lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .io(operation: "open", path: lockPath, errno: errno) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw .io(operation: "flock", path: lockPath, errno: errno) }
        var current = try keys()
        let before = current
        let result = try change(&current)
        guard current != before else { return result }
        let bytes = try Self.encode(current, source: path)
        do {
            try DurableFile.write(bytes, to: path, directory: directory)
        } catch {
            if case .io(let operation, let path, let code) = error { throw .io(operation: operation, path: path, errno: code) }
            throw .io(operation: "write", path: path, errno: 0)
        }
        return result
    }

    private static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// The key file's bytes for `keys` (also the shared copy's beside a shared log, decision 0168).
    static func encode(_ keys: [APIKey], source: String) throws(APIKeyStoreError) -> [UInt8] {
        do {
            return Array(try encoder.encode(KeyFile(keys: keys))) + [0x0A]
        } catch {
            throw .unreadable(path: source, reason: "could not encode the keys (\(error))")
        }
    }

    /// The keys a key file's bytes hold; `source` names where they came from in the error.
    static func decode(_ bytes: [UInt8], source: String) throws(APIKeyStoreError) -> [APIKey] {
        let file: KeyFile
        do {
            file = try decoder.decode(KeyFile.self, from: Data(bytes))
        } catch {
            throw .unreadable(path: source, reason: "not a sessiond key file (\(error))")
        }
        // Rewriting a later format as this one would drop what this build does not know.
        guard file.version == KeyFile.currentVersion else {
            throw .unreadable(path: source, reason: "key file version \(file.version), this sessiond reads \(KeyFile.currentVersion)")
        }
        return file.keys
    }

    /// The file's shape: a version so a later format can be told apart.
    private struct KeyFile: Codable {
        static let currentVersion = 1
        var version = currentVersion
        var keys: [APIKey]
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

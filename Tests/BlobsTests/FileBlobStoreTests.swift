import Blobs
import Foundation
import Testing

@Suite struct FileBlobStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path

    @Test func digestIsSHA256() {
        #expect(BlobDigest(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(BlobDigest(of: []).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(BlobDigest(hex: "ABC") == nil)
        #expect(BlobDigest(hex: String(repeating: "A", count: 64)) == nil)
    }

    @Test func writeStoresUnderFanOutAndReadsBack() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        let bytes = Array("hello blob".utf8)
        let digest = try await store.write(bytes)
        #expect(store.path(of: digest) == "\(root)/\(digest.hex.prefix(2))/\(digest.hex)")
        #expect(try await store.read(digest) == bytes)
        #expect(try await store.write(bytes) == digest)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(digest.hex.prefix(2))")
        #expect(leftovers == [digest.hex])
    }

    @Test func writingStoredBytesAgainRefreshesTheBlobsTime() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        let bytes = Array("uploaded twice".utf8)
        let digest = try await store.write(bytes)
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: store.path(of: digest))
        #expect(try await store.stored().map(\.modified) == [old])
        _ = try await store.write(bytes)
        let modified = try #require(try await store.stored().first?.modified)
        #expect(modified.timeIntervalSinceNow > -60)
    }

    @Test func storedListsEveryBlobAndRemoveErases() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        #expect(try await store.stored() == [])
        let first = try await store.write([1, 2, 3])
        let second = try await store.write(Array(repeating: 7, count: 200_000))
        // An interrupted write's temporary file is not a blob.
        FileManager.default.createFile(atPath: store.path(of: first) + ".123.456.tmp", contents: Data([9]))
        let stored = try await store.stored()
        #expect(stored.map(\.digest) == [first, second].sorted())
        #expect(stored.map(\.byteCount) == (first < second ? [3, 200_000] : [200_000, 3]))
        try await store.remove([first])
        try await store.remove([first])
        #expect(try await store.read(first) == nil)
        #expect(try await store.stored().map(\.digest) == [second])
        #expect(try await store.read(second)?.count == 200_000)
    }
}

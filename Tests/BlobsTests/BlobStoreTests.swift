import Blobs
import Foundation
import Testing

@Suite struct BlobStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path

    @Test func digestIsSHA256() {
        #expect(BlobDigest(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(BlobDigest(of: []).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(BlobDigest(hex: "ABC") == nil)
        #expect(BlobDigest(hex: String(repeating: "A", count: 64)) == nil)
    }

    @Test func writeStoresUnderFanOutAndReadsBack() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = BlobStore(root: root)
        let bytes = Array("hello blob".utf8)
        let digest = try store.write(bytes)
        #expect(store.path(of: digest) == "\(root)/\(digest.hex.prefix(2))/\(digest.hex)")
        #expect(try store.read(digest) == bytes)
        #expect(try store.write(bytes) == digest)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(digest.hex.prefix(2))")
        #expect(leftovers == [digest.hex])
    }

    @Test func writingStoredBytesAgainRefreshesTheBlobsTime() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = BlobStore(root: root)
        let bytes = Array("uploaded twice".utf8)
        let path = store.path(of: try store.write(bytes))
        let old = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: path)
        _ = try store.write(bytes)
        let modified = try #require(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
        #expect(modified.timeIntervalSinceNow > -60)
    }

    @Test func digestsListsEveryBlobAndRemoveErases() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = BlobStore(root: root)
        #expect(try store.digests() == [])
        let first = try store.write([1, 2, 3])
        let second = try store.write(Array(repeating: 7, count: 200_000))
        #expect(try store.digests() == [first, second].sorted())
        try store.remove(first)
        try store.remove(first)
        #expect(try store.read(first) == nil)
        #expect(try store.digests() == [second])
        #expect(try store.read(second)?.count == 200_000)
    }
}

import Blobs
import Foundation
import Testing

@Suite struct FileBlobStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)").path

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

    @Test func aDamagedBlobIsNeverServedAndWritingItsBytesAgainRepairsIt() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        let bytes = Array("bytes that rot on disk".utf8)
        let digest = try await store.write(bytes)
        for damage in [Array("bytes that rot on disK".utf8), Array("bytes that rot".utf8)] {  // flipped, truncated
            try Data(damage).write(to: URL(fileURLWithPath: store.path(of: digest)))
            await #expect(throws: DamagedBlob(digest: digest)) { _ = try await store.read(digest) }
            #expect(try await store.write(bytes) == digest)
            #expect(try await store.read(digest) == bytes)
        }
    }

    @Test func storedListsEveryBlobAndRemoveErases() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        #expect(try await store.stored() == [])
        let first = try await store.write([1, 2, 3])
        let second = try await store.write(Array(repeating: 7, count: 200_000))
        // An interrupted write's temporary file is not a blob.
        _ = FileManager.default.createFile(atPath: store.path(of: first) + ".123.456.tmp", contents: Data([9]))
        let stored = try await store.stored()
        #expect(stored.map(\.digest) == [first, second].sorted())
        #expect(stored.map(\.byteCount) == (first < second ? [3, 200_000] : [200_000, 3]))
        #expect(try await store.remove([first], writtenNoLaterThan: Date()).map(\.digest) == [first])
        #expect(try await store.remove([first], writtenNoLaterThan: Date()) == [])
        #expect(try await store.read(first) == nil)
        #expect(try await store.stored().map(\.digest) == [second])
        #expect(try await store.read(second)?.count == 200_000)
    }

    @Test func aBlobWrittenAfterTheCutoffIsNotRemoved() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = FileBlobStore(root: root)
        let bytes = Array("listed, then uploaded again".utf8)
        let digest = try await store.write(bytes)
        let listedAt = Date(timeIntervalSince1970: 1_000_000_000)
        try FileManager.default.setAttributes([.modificationDate: listedAt], ofItemAtPath: store.path(of: digest))
        // The same bytes written again after a collection found the blob unreferenced at `listedAt`.
        _ = try await store.write(bytes)
        #expect(try await store.remove([digest], writtenNoLaterThan: listedAt) == [])
        #expect(try await store.read(digest) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(digest.hex.prefix(2))") == [digest.hex])
    }
}

import Testing

@testable import Projections

@Suite struct LeastRecentlyUsedCacheTests {
    @Test func theLeastRecentlyUsedEntryGoesFirstWhenOverTheCount() {
        var cache = LeastRecentlyUsedCache<String, Int>(capacity: 3, byteLimit: .max)
        cache.insert(1, bytes: 1, for: "a")
        cache.insert(2, bytes: 1, for: "b")
        cache.insert(3, bytes: 1, for: "c")
        #expect(cache.value(for: "a") == 1)  // a is now the most recent; b the least
        cache.insert(4, bytes: 1, for: "d")
        #expect(cache.count == 3)
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "a") == 1 && cache.value(for: "c") == 3 && cache.value(for: "d") == 4)
    }

    @Test func entriesGoWhileTheBytesAreOverTheLimit() {
        var cache = LeastRecentlyUsedCache<Int, String>(capacity: 1000, byteLimit: 1000)
        for key in 0..<10 { cache.insert("s\(key)", bytes: 100, for: key) }
        #expect(cache.count == 10 && cache.totalBytes == 1000)
        cache.insert("big", bytes: 450, for: 10)
        // 0…4 go (the oldest first) until 500 + 450 fits.
        #expect(cache.totalBytes == 950)
        #expect((0..<5).allSatisfy { cache.value(for: $0) == nil })
        #expect((5..<11).allSatisfy { cache.value(for: $0) != nil })
        // Replacing an entry counts its new size, not both.
        cache.insert("smaller", bytes: 50, for: 10)
        #expect(cache.totalBytes == 550)
    }

    @Test func anEntryLargerThanTheLimitStaysAloneUntilTheNextInsert() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 10, byteLimit: 100)
        cache.insert(1, bytes: 60, for: 1)
        cache.insert(2, bytes: 500, for: 2)
        #expect(cache.count == 1 && cache.value(for: 2) == 2)
        cache.insert(3, bytes: 10, for: 3)
        #expect(cache.count == 1 && cache.value(for: 3) == 3)
    }

    @Test func aLongRunOfHitsKeepsTheBoundsAndTheOrder() {
        // Many more uses than entries: the access log is rebuilt many times and must keep the true order.
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 50, byteLimit: .max)
        for key in 0..<50 { cache.insert(key, bytes: 1, for: key) }
        for round in 0..<200 {
            for key in stride(from: 49, through: 0, by: -1) where key % 2 == round % 2 { _ = cache.value(for: key) }
        }
        // The last round touched the odd keys (round 199), so the even keys are the least recently used.
        for key in 100..<125 { cache.insert(key, bytes: 1, for: key) }
        #expect(cache.count == 50)
        #expect((0..<50).filter { $0 % 2 == 0 }.allSatisfy { cache.value(for: $0) == nil })
        #expect((0..<50).filter { $0 % 2 == 1 }.allSatisfy { cache.value(for: $0) != nil })
    }
}

import Testing
import Workload

@testable import Projections

@Suite struct LeastRecentlyUsedCacheTests {
    /// The keys of `keys` the cache holds (a lookup makes each found one the most recently used).
    static func present<Value>(_ keys: some Sequence<Int>, in cache: inout LeastRecentlyUsedCache<Int, Value>) -> [Int] {
        keys.filter { cache.value(for: $0) != nil }
    }

    @Test func insertsThatOnlyEvictKeepTheStorageBounded() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 10, byteLimit: .max)
        for key in 0..<10_000 { cache.insert(key, bytes: 1, for: key) }
        #expect(cache.count == 10)
        // The new entry is stored before the oldest goes, so one slot more than the capacity.
        #expect(cache.storageSlots <= 11)
        #expect(Self.present(9_990..<10_000, in: &cache) == Array(9_990..<10_000))
    }

    @Test func removedSlotsAreReused() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 100, byteLimit: .max)
        for round in 0..<1_000 {
            for key in 0..<5 { cache.insert(key, bytes: 1, for: round * 5 + key) }
            for key in 0..<5 { cache.remove(round * 5 + key) }
        }
        #expect(cache.count == 0 && cache.totalBytes == 0)
        #expect(cache.storageSlots == 5)
    }

    @Test func randomUsesMatchAReferenceModel() {
        // Every operation against a plain list kept from the least to the most recently used.
        var generator = SplitMix64(seed: 2026)  // seeded, so a failure repeats
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 40, byteLimit: 400)
        var model: [(key: Int, value: Int, bytes: Int)] = []
        for step in 0..<20_000 {
            let key = Int(generator.next() % 80)
            switch generator.next() % 10 {
            case 0..<5:
                let found = model.firstIndex { $0.key == key }
                #expect(cache.value(for: key) == found.map { model[$0].value })
                if let found { model.append(model.remove(at: found)) }
            case 5..<9:
                let bytes = Int(generator.next() % 30)
                cache.insert(step, bytes: bytes, for: key)
                model.removeAll { $0.key == key }
                model.append((key, step, bytes))
                while model.count > 1, model.count > 40 || model.reduce(0, { $0 + $1.bytes }) > 400 {
                    model.removeFirst()
                }
            default:
                cache.remove(key)
                model.removeAll { $0.key == key }
            }
            #expect(cache.keysFromLeastRecent == model.map(\.key))
            #expect(cache.totalBytes == model.reduce(0) { $0 + $1.bytes })
        }
        #expect(cache.storageSlots <= 41)
    }

    @Test func theLeastRecentlyUsedEntryGoesFirstWhenOverTheCount() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 3, byteLimit: .max)
        cache.insert(1, bytes: 1, for: 1)
        cache.insert(2, bytes: 1, for: 2)
        cache.insert(3, bytes: 1, for: 3)
        let first = cache.value(for: 1)  // 1 is now the most recent; 2 the least
        #expect(first == 1)
        cache.insert(4, bytes: 1, for: 4)
        #expect(cache.count == 3)
        #expect(Self.present([1, 2, 3, 4], in: &cache) == [1, 3, 4])
    }

    @Test func entriesGoWhileTheBytesAreOverTheLimit() {
        var cache = LeastRecentlyUsedCache<Int, String>(capacity: 1000, byteLimit: 1000)
        for key in 0..<10 { cache.insert("s\(key)", bytes: 100, for: key) }
        #expect(cache.count == 10 && cache.totalBytes == 1000)
        cache.insert("big", bytes: 450, for: 10)
        // 0…4 go (the oldest first) until 500 + 450 fits.
        #expect(cache.totalBytes == 950)
        #expect(Self.present(0..<11, in: &cache) == Array(5..<11))
        // Replacing an entry counts its new size, not both.
        cache.insert("smaller", bytes: 50, for: 10)
        #expect(cache.totalBytes == 550)
    }

    @Test func anEntryLargerThanTheLimitStaysAloneUntilTheNextInsert() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 10, byteLimit: 100)
        cache.insert(1, bytes: 60, for: 1)
        cache.insert(2, bytes: 500, for: 2)
        #expect(cache.count == 1)
        #expect(Self.present([1, 2], in: &cache) == [2])
        cache.insert(3, bytes: 10, for: 3)
        #expect(cache.count == 1)
        #expect(Self.present([2, 3], in: &cache) == [3])
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
        #expect(Self.present(0..<50, in: &cache) == (0..<50).filter { $0 % 2 == 1 })
    }

    @Test func removeAndRemoveAllForgetEntriesAndTheirBytes() {
        var cache = LeastRecentlyUsedCache<Int, Int>(capacity: 10, byteLimit: 1000)
        cache.insert(1, bytes: 100, for: 1)
        cache.insert(2, bytes: 200, for: 2)
        cache.remove(1)
        #expect(cache.count == 1 && cache.totalBytes == 200)
        cache.removeAll()
        #expect(cache.count == 0 && cache.totalBytes == 0)
        #expect(Self.present([1, 2], in: &cache) == [])
    }
}

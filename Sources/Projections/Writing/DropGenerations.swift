/// What a cache's readers need to tell whether what they read may predate a drop: a counter per stripe of the
/// cache's keys, bumped by every drop of a key of that stripe (and every stripe's by a drop of everything).
///
/// A reader that missed takes a ``Ticket`` for its key before it reads the source, and offers what it read back with
/// it; the cache keeps it only if the ticket is still current (``admits(_:)``). A drop made after the source changed
/// (or was erased) then refuses every reader that could have read before the change, so what the cache dropped is
/// never put back by a reader that was already under way (decision 0157). A keep refused because another key of the
/// stripe was dropped only costs that reader's next lookup a miss.
///
/// A value: the cache holds it in the state its lock guards, so a check and the insert it allows are one step, and
/// a drop and its bump are another.
public struct DropGenerations: Sendable {
    /// What a reader saw of its key's stripe before reading the source.
    public struct Ticket: Sendable {
        /// The stripe of the key the ticket was taken for (a sharded cache finds the shard by it).
        public let stripe: Int
        fileprivate let generation: UInt64
    }

    /// A set of stripes, to bump together under one lock after hashing the keys outside it.
    public struct Stripes: Sendable {
        private var words: [UInt64]

        /// An empty set of stripes among `count`.
        public init(among count: Int) {
            words = [UInt64](repeating: 0, count: (count + 63) / 64)
        }

        /// Adds `stripe`.
        public mutating func insert(_ stripe: Int) {
            words[stripe >> 6] |= UInt64(1) << UInt64(stripe & 63)
        }

        fileprivate func forEach(_ body: (Int) -> Void) {
            for index in words.indices {
                var word = words[index]
                while word != 0 {
                    body(index << 6 + word.trailingZeroBitCount)
                    word &= word - 1
                }
            }
        }
    }

    /// How many stripes the keys are spread over: more make a reader's keep less often refused for another key's
    /// drop, and a drop of everything longer.
    public let stripes: Int
    private var counters: [UInt64]

    /// Counters of `stripes` stripes at their start: any ticket taken from them is current.
    public init(stripes: Int) {
        self.stripes = max(1, stripes)
        counters = [UInt64](repeating: 0, count: self.stripes)
    }

    /// The stripe of `key` among `count` (in this process: `String` hashing is seeded per process).
    public static func stripe(of key: String, among count: Int) -> Int {
        Int(UInt(bitPattern: key.hashValue) % UInt(count))
    }

    /// A ticket for a key of `stripe`, to take before reading the source.
    public func ticket(stripe: Int) -> Ticket {
        Ticket(stripe: stripe, generation: counters[stripe])
    }

    /// Whether nothing of the ticket's stripe was dropped since it was taken.
    public func admits(_ ticket: Ticket) -> Bool {
        counters[ticket.stripe] == ticket.generation
    }

    /// Records a drop of a key of `stripe`: every ticket taken for the stripe before is refused.
    public mutating func drop(stripe: Int) {
        counters[stripe] &+= 1
    }

    /// Records drops of keys of each of `stripes`.
    public mutating func drop(_ stripes: Stripes) {
        stripes.forEach { counters[$0] &+= 1 }
    }

    /// Records a drop of everything: every ticket taken before is refused.
    public mutating func dropAll() {
        for stripe in counters.indices { counters[stripe] &+= 1 }
    }
}

import Synchronization

/// Buffers that an export's chunks render into, kept from one export to the next: a fresh buffer of several MiB
/// is faulted in page by page and grows by copying as it fills; a kept one does neither (decision 0127).
/// Bounded: at most ``kept`` buffers, none above ``largest`` bytes.
enum RenderBuffers {
    static let kept = 4
    static let largest = 16 << 20

    private static let idle = Mutex<[[UInt8]]>([])

    /// An empty buffer, with the capacity an earlier render left it when one is idle.
    static func take() -> [UInt8] { idle.withLock { $0.popLast() } ?? [] }

    /// Keeps `buffer` for a later render, unless enough are kept or it is too large to hold on to.
    static func give(_ buffer: [UInt8]) {
        guard buffer.capacity <= largest else { return }
        idle.withLock { idle in
            if idle.count < kept { idle.append(buffer) }
        }
    }
}

import CCRC32C

/// CRC32C (Castagnoli), computed with the CPU's instruction where it has one.
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer, extending crc: UInt32 = 0) -> UInt32 {
        sessiond_crc32c(crc, bytes.baseAddress, bytes.count)
    }

    static func checksum(_ bytes: [UInt8], extending crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, extending: crc) }
    }

    /// Whether the hardware path is in use here (for benchmark output).
    static var usesHardware: Bool { sessiond_crc32c_hardware() != 0 }
}

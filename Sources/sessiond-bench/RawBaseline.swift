import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The physical limits the log is compared with: the same bytes written with plain
/// `write` calls, once with an `fdatasync` per batch and once without any.
enum RawBaseline {
    /// Writes `records` in batches of `batchSize`, one `write` (+ `fdatasync` if `sync`) per batch.
    /// Returns records per second.
    static func writeLoop(records: [[UInt8]], batchSize: Int, sync: Bool, path: String) -> Double {
        unlink(path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        defer {
            close(fd)
            unlink(path)
        }
        let watch = Stopwatch()
        var i = 0
        while i < records.count {
            var batch: [UInt8] = []
            for record in records[i..<min(i + batchSize, records.count)] { batch.append(contentsOf: record) }
            let written = batch.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(written == batch.count, "short write")
            if sync { precondition(fdatasync(fd) == 0, "fdatasync failed") }
            i += batchSize
        }
        return Double(records.count) / watch.seconds
    }
}

import Foundation

/// The figures of one system in one run, written as a JSON object for tools/bench/report.
struct BenchmarkReport {
    private var fields: [String: Any]

    init(system: String) { fields = ["system": system] }

    mutating func set(_ key: String, _ value: Any) { fields[key] = value }

    func write(to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}

/// Bytes of every regular file under `path`.
func treeSize(_ path: String) -> UInt64 {
    guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
    var total: UInt64 = 0
    while let name = walker.nextObject() as? String {
        if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular {
            total += (walker.fileAttributes?[.size] as? NSNumber)?.uint64Value ?? 0
        }
        _ = name
    }
    return total
}

/// Two decimals, for milliseconds and seconds.
func fmt(_ value: Double) -> String { String(format: "%.2f", value) }

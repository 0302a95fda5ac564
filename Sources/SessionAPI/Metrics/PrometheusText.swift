import EventLog

/// Writes the Prometheus text exposition format (version 0.0.4): a `# HELP` and `# TYPE` line per metric
/// family, then its samples.
struct PrometheusText {
    /// The content type `/metrics` answers with.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    /// A counter or gauge family with its samples.
    mutating func family(
        _ name: String, help: String, type: String, samples: [([(String, String)], Double)]
    ) {
        header(name, help: help, type: type)
        for (labels, value) in samples { line(name, labels, value) }
    }

    /// One unlabelled counter or gauge.
    mutating func single(_ name: String, help: String, type: String, value: Double) {
        family(name, help: help, type: type, samples: [([], value)])
    }

    /// A histogram family: cumulative `_bucket` samples (ending with `le="+Inf"`), `_sum` and `_count`.
    mutating func histogram(_ name: String, help: String, series: [([(String, String)], BucketHistogram)]) {
        header(name, help: help, type: "histogram")
        for (labels, histogram) in series {
            var cumulative: UInt64 = 0
            for (bound, count) in zip(histogram.upperBounds, histogram.counts) {
                cumulative += count
                line(name + "_bucket", labels + [("le", Self.format(bound))], Double(cumulative))
            }
            line(name + "_bucket", labels + [("le", "+Inf")], Double(histogram.count))
            line(name + "_sum", labels, histogram.sum)
            line(name + "_count", labels, Double(histogram.count))
        }
    }

    private mutating func header(_ name: String, help: String, type: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// Integers without a fraction, everything else as Swift prints a `Double`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// A label value with `\`, `"` and newlines escaped.
    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

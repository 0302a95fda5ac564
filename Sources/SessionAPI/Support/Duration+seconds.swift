extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in seconds as an operator would write it: `120`, `0.5`.
    var formattedSeconds: String {
        components.attoseconds == 0 ? String(components.seconds) : String(seconds)
    }
}

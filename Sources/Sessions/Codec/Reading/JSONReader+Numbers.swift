/// Numbers: integers read digit by digit, doubles by the exact fast path or the C library.
extension JSONReader {
    /// A number's extent in the body, and whether it is written as a plain integer.
    struct NumberToken {
        var start: Int
        var end: Int
        var isPlainInteger: Bool
    }

    /// Consumes a number, checking its syntax (RFC 8259: no leading zeros, no bare `.`, no `+`).
    mutating func scanNumber() throws(JSONReadError) -> NumberToken {
        let start = index
        var plain = true
        if current == UInt8(ascii: "-") { index += 1 }
        switch current {
        case UInt8(ascii: "0"): index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"): skipDigits()
        default: throw .syntax
        }
        if current == UInt8(ascii: ".") {
            plain = false
            index += 1
            guard isDigit(current) else { throw .syntax }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            plain = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard isDigit(current) else { throw .syntax }
            skipDigits()
        }
        return NumberToken(start: start, end: index, isPlainInteger: plain)
    }

    /// Reads an integer of type `T`. A number out of `T`'s range, or with a fraction, is unrepresentable;
    /// `1.0` and `1e2` are integers, as in Foundation.
    mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type) throws(JSONReadError) -> T {
        skipWhitespace()
        guard current == UInt8(ascii: "-") || isDigit(current) else { throw try typeError() }
        let token = try scanNumber()
        if token.isPlainInteger {
            var position = token.start
            let negative = bytes[position] == UInt8(ascii: "-")
            if negative { position += 1 }
            var value: T = 0
            while position < token.end {
                let digit = T(bytes[position] &- UInt8(ascii: "0"))
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) =
                    negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw .unrepresentable }
                value = next
                position += 1
            }
            return value
        }
        guard let value = T(exactly: try double(of: token)) else { throw .unrepresentable }
        return value
    }

    /// Reads a number as a `Double`; one too large for a `Double` is unrepresentable.
    mutating func readDouble() throws(JSONReadError) -> Double {
        skipWhitespace()
        guard current == UInt8(ascii: "-") || isDigit(current) else { throw try typeError() }
        return try double(of: try scanNumber())
    }

    /// The token's value, correctly rounded: exact arithmetic when the digits and the power of ten both fit a
    /// double exactly (one rounding, so the same result as `strtod`), the C library otherwise.
    func double(of token: NumberToken) throws(JSONReadError) -> Double {
        var position = token.start
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var fast = true
        while position < token.end, isDigit(bytes[position]) {
            mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
            if mantissa != 0 { digits += 1 }
            position += 1
        }
        if position < token.end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < token.end, isDigit(bytes[position]) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
                exponent -= 1
                position += 1
            }
        }
        if position < token.end {  // the exponent
            fast = false
        }
        if fast, digits <= 15, exponent >= -22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= Self.powersOfTen[-exponent] }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw .unrepresentable }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { power in
        var value = 1.0
        for _ in 0..<power { value *= 10 }
        return value
    }

    private mutating func skipDigits() {
        while isDigit(current) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}

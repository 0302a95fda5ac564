#if canImport(Glibc)
import Glibc
import Workload

/// The fixed-rate (open-loop) GET generator of `sessiond-bench http`: one thread, blocking `select` (its timeout
/// in microseconds waits for the next due time; Glibc's Swift module has no epoll) over keep-alive sockets, no
/// event loop and no Swift tasks, so that on a machine whose cores the server shares it takes as little CPU per
/// request as a client can (most of it the kernel's loopback TCP), the design of
/// `tools/bench/fixedrate.c`. Request k is due at start + k / rate and goes out on an idle connection when due (or as
/// soon as one is idle); its latency counts from when it was due, so a stall delays every later figure instead of
/// hiding.
struct FixedRateClient {
    var port: Int
    var rate: Int
    var seconds: Double
    var connections: Int
    /// Request paths, one picked at random per request.
    var paths: [String]

    /// Runs on the calling thread (it blocks for the run's length) and returns the requests' latencies in ms and the
    /// rate achieved. Every answer must be 200 with a Content-Length.
    func run() throws(FixedRateClientError) -> (rate: Double, latencies: Latencies) {
        let requests = paths.map { Array("GET \($0) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8) }
        let total = Int(Double(rate) * seconds)
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        for _ in 0..<connections { sockets.append(try Self.connect(port: port)) }
        guard let highest = sockets.max(), highest < FD_SETSIZE else {
            throw .system("select (no connection, or a descriptor ≥ FD_SETSIZE)", 0)
        }

        var due = [Int64](repeating: 0, count: connections)
        var busy = [Bool](repeating: false, count: connections)
        var buffers = [[UInt8]](repeating: [], count: connections)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var latencies = Latencies()
        var random = SplitMix64(seed: 99)
        let interval = 1e9 / Double(rate)
        let start = Self.now() + 200_000_000
        var (sent, done, nextIdle) = (0, 0, 0)
        while done < total {
            var now = Self.now()
            while sent < total, start + Int64(Double(sent) * interval) <= now {
                let idle = (0..<connections).lazy.map { (nextIdle + $0) % connections }.first { !busy[$0] }
                guard let index = idle else { break }
                nextIdle = (index + 1) % connections
                let request = requests[random.int(in: 0...(requests.count - 1))]
                busy[index] = true
                due[index] = start + Int64(Double(sent) * interval)
                // send(MSG_NOSIGNAL): a connection the server reset is an error to report, not a SIGPIPE that kills us.
                let written = request.withUnsafeBytes {
                    send(sockets[index], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written == request.count
                else { throw .system("write", errno) }
                sent += 1
            }
            var readable = fd_set()
            for (index, socket) in sockets.enumerated() where busy[index] { Self.add(socket, to: &readable) }
            // With every connection busy the next send waits for an answer, not for a due time (no spinning).
            var timeout = timeval()
            let waitsForDue = sent < total && busy.contains(false)
            if waitsForDue {
                now = Self.now()
                let wait = max(0, start + Int64(Double(sent) * interval) - now)
                timeout = timeval(tv_sec: Int(wait / 1_000_000_000), tv_usec: Int(wait % 1_000_000_000 / 1_000))
            }
            let ready = waitsForDue
                ? select(highest + 1, &readable, nil, nil, &timeout) : select(highest + 1, &readable, nil, nil, nil)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .system("select", errno)
            }
            for (index, socket) in sockets.enumerated() where busy[index] && Self.contains(socket, in: &readable) {
                let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
                guard count > 0 else { throw .connectionClosed }
                buffers[index].append(contentsOf: chunk.prefix(count))
                guard let length = try Self.completeResponse(buffers[index]) else { continue }
                latencies.add(Double(Self.now() - due[index]) / 1e6)
                done += 1
                buffers[index].removeFirst(length)
                busy[index] = false
            }
        }
        return (Double(total) / (Double(Self.now() - start) / 1e9), latencies)
    }

    /// The length of the complete 200 response at the start of `bytes`, `nil` while incomplete. Plain loops over the
    /// bytes: the standard library's generic searches cost the client several µs per answer.
    static func completeResponse(_ bytes: [UInt8]) throws(FixedRateClientError) -> Int? {
        try bytes.withUnsafeBufferPointer { (bytes) throws(FixedRateClientError) -> Int? in
            guard let headEnd = Self.end(of: Self.headEnd, in: bytes, from: 0) else { return nil }
            let head = UnsafeBufferPointer(rebasing: bytes[..<headEnd])
            guard head.starts(with: Self.ok), let length = Self.contentLength(in: head) else {
                throw .unexpectedAnswer(String(decoding: head, as: UTF8.self))
            }
            return bytes.count >= headEnd + length ? headEnd + length : nil
        }
    }

    private static let headEnd = Array("\r\n\r\n".utf8)
    private static let ok = Array("HTTP/1.1 200".utf8)
    private static let contentLengthName = Array("\r\ncontent-length:".utf8)

    /// The value of the head's Content-Length field (name case-insensitive).
    private static func contentLength(in head: UnsafeBufferPointer<UInt8>) -> Int? {
        guard var index = end(of: contentLengthName, in: head, from: 0, ignoringCase: true) else { return nil }
        while index < head.count, head[index] == UInt8(ascii: " ") { index += 1 }
        var length = 0, digits = 0
        while index < head.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head[index]) {
            length = length * 10 + Int(head[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits > 0 ? length : nil
    }

    /// The index just past the first occurrence of `pattern` (lowercase when `ignoringCase`) in `bytes` at or after
    /// `start`.
    private static func end(
        of pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, ignoringCase: Bool = false
    ) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var candidate = start
        while candidate <= bytes.count - pattern.count {
            var matched = 0
            while matched < pattern.count {
                var byte = bytes[candidate + matched]
                if ignoringCase, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { byte += 32 }
                guard byte == pattern[matched] else { break }
                matched += 1
            }
            if matched == pattern.count { return candidate + pattern.count }
            candidate += 1
        }
        return nil
    }

    private static func connect(port: Int) throws(FixedRateClientError) -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw .system("socket", errno) }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw .system("connect", errno)
        }
        return socket
    }

    private static func add(_ socket: Int32, to set: inout fd_set) {
        withUnsafeMutableBytes(of: &set) { bits in
            let words = bits.bindMemory(to: Int.self)
            words[Int(socket) / Int.bitWidth] |= 1 << (Int(socket) % Int.bitWidth)
        }
    }

    private static func contains(_ socket: Int32, in set: inout fd_set) -> Bool {
        withUnsafeMutableBytes(of: &set) { bits in
            bits.bindMemory(to: Int.self)[Int(socket) / Int.bitWidth] & (1 << (Int(socket) % Int.bitWidth)) != 0
        }
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

enum FixedRateClientError: Error, CustomStringConvertible {
    case system(String, Int32)
    case connectionClosed
    case unexpectedAnswer(String)

    var description: String {
        switch self {
        case .system(let call, let code): "fixed-rate client: \(call) failed (errno \(code))"
        case .connectionClosed: "fixed-rate client: the server closed a connection"
        case .unexpectedAnswer(let head):
            "fixed-rate client: expected 200 with a Content-Length, got: \(head.prefix(300))"
        }
    }
}
#endif

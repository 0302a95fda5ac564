#if canImport(Glibc)
import Glibc
import Workload

/// The fixed-rate (open-loop) GET generator of `sessiond-bench http`: one thread, blocking `select` (its timeout
/// in microseconds waits for the next due time; Glibc's Swift module has no epoll) over keep-alive sockets, no event loop and no Swift tasks, so that on a machine whose cores the server shares it
/// takes as little CPU per request as a client can (most of it the kernel's loopback TCP), the design of
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
        guard let highest = sockets.max(), highest < FD_SETSIZE else { throw .system("select (descriptor ≥ FD_SETSIZE)", 0) }

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
                guard let index = (0..<connections).lazy.map({ (nextIdle + $0) % connections }).first(where: { !busy[$0] })
                else { break }
                nextIdle = (index + 1) % connections
                let request = requests[random.int(in: 0...(requests.count - 1))]
                busy[index] = true
                due[index] = start + Int64(Double(sent) * interval)
                guard request.withUnsafeBytes({ write(sockets[index], $0.baseAddress, $0.count) }) == request.count
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

    /// The length of the complete 200 response at the start of `bytes`, `nil` while incomplete.
    static func completeResponse(_ bytes: [UInt8]) throws(FixedRateClientError) -> Int? {
        guard let headEnd = bytes.firstRange(of: Self.headEnd)?.upperBound else { return nil }
        let head = bytes[..<headEnd]
        guard head.starts(with: Self.ok), let length = Self.contentLength(in: head) else {
            throw .unexpectedAnswer(String(decoding: head, as: UTF8.self))
        }
        return bytes.count >= headEnd + length ? headEnd + length : nil
    }

    private static let headEnd = Array("\r\n\r\n".utf8)
    private static let ok = Array("HTTP/1.1 200".utf8)
    private static let contentLengthName = Array("\r\ncontent-length:".utf8)

    /// The value of the head's Content-Length field (name case-insensitive), byte by byte: no strings per answer.
    private static func contentLength(in head: ArraySlice<UInt8>) -> Int? {
        let lowered = head.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        guard let name = lowered.firstRange(of: contentLengthName) else { return nil }
        let digits = lowered[name.upperBound...].drop { $0 == UInt8(ascii: " ") }
            .prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard !digits.isEmpty else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
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
        case .unexpectedAnswer(let head): "fixed-rate client: expected 200 with a Content-Length, got: \(head.prefix(300))"
        }
    }
}
#endif

/// The project an agent works on in one session: a few source files whose paths and lines are fixed by the
/// session id, so reading a file twice returns the same text, an edit shows in every later read, and test runs
/// name the same tests. Real transcripts are like that — most tool output repeats what the agent has already
/// seen — where drawing every output line at random would make a corpus far less compressible than real ones.
///
/// Lines are computed from the session's seed and the line number when asked for, so a workspace costs a few
/// strings of memory plus its edits, however many sessions a corpus holds.
struct Workspace: Sendable {
    let paths: [String]
    let tests: [String]
    private let seed: UInt64
    private var edits: [String: [Int: String]] = [:]

    init(session: String) {
        seed = Self.stableHash(session)
        var random = SplitMix64(seed: seed)
        let dirs = ["Sources", "src", "lib", "tests", "internal", "pkg", "app"]
        let extensions = [".swift", ".py", ".go", ".ts"]
        let fileExtension = extensions[random.int(in: 0...(extensions.count - 1))]
        let fileCount = random.int(in: 6...14)
        var paths: [String] = []
        while paths.count < fileCount {
            let dir = dirs[random.int(in: 0...(dirs.count - 1))]
            let name = AgentCorpus.identifiers[random.int(in: 0...(AgentCorpus.identifiers.count - 1))]
            let path = "\(dir)/\(name.prefix(1).uppercased() + name.dropFirst())\(fileExtension)"
            if !paths.contains(path) { paths.append(path) }
        }
        self.paths = paths
        tests = (0..<random.int(in: 4...12)).map { _ in
            let a = AgentCorpus.identifiers[random.int(in: 0...(AgentCorpus.identifiers.count - 1))]
            let b = AgentCorpus.identifiers[random.int(in: 0...(AgentCorpus.identifiers.count - 1))]
            return "\(a.prefix(1).uppercased() + a.dropFirst())Tests.test\(b.prefix(1).uppercased() + b.dropFirst())"
        }
    }

    /// How many lines `path` has (fixed per path, 40–400).
    func lineCount(of path: String) -> Int {
        var random = SplitMix64(seed: seed ^ Self.stableHash(path))
        return random.int(in: 40...400)
    }

    /// Line `number` (from 1) of `path`, as last edited.
    func line(_ number: Int, of path: String) -> String {
        if let edited = edits[path]?[number] { return edited }
        var random = SplitMix64(seed: seed ^ Self.stableHash(path) &+ UInt64(number) &* 0x9E37_79B9)
        return AgentCorpus.codeLine(&random)
    }

    /// Lines `offset + 1 … offset + limit` of `path`, numbered as file-reading tools show them.
    func read(_ path: String, offset: Int, limit: Int) -> String {
        let end = min(offset + limit, lineCount(of: path))
        guard offset < end else { return "" }
        return (offset + 1...end).map { "\($0)\t\(line($0, of: path))" }.joined(separator: "\n")
    }

    mutating func edit(_ path: String, line number: Int, to text: String) {
        edits[path, default: [:]][number] = text
    }

    var editedPaths: [String] { paths.filter { edits[$0] != nil } }

    /// FNV-1a over the UTF-8 bytes: stable across processes, unlike `Hasher`.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
}

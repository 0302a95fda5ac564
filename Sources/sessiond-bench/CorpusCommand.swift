import ArgumentParser
import Foundation

/// `sessiond-bench corpus`: writes the workload as JSON lines, the one input every store in tools/bench loads.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Write the benchmark workload as JSON lines ({\"body\",\"kind\",\"session\"}, one item a line).",
        discussion: """
            Kinds: create (body: Mix create), message (native message: user, or assistant with token usage, \
            cost, latency and tool calls with JSON input), tool_result (multi-line result), rewind (Mix rewind to \
            a user message). `http` and `library` generate the same items from the same options.
            """)

    @OptionGroup var corpus: CorpusOptions

    @Option(help: "Output file (default: standard output).")
    var out: String?

    func run() throws {
        let items = corpus.items()
        var bytes: [UInt8] = []
        for item in items {
            bytes += item.jsonLine
            bytes.append(UInt8(ascii: "\n"))
        }
        if let out {
            try Data(bytes).write(to: URL(fileURLWithPath: out))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

import ArgumentParser

@main
struct SessiondBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessiond-bench",
        abstract: "Benchmarks for sessiond; each prints its figures next to a raw baseline from the same run.",
        subcommands: [LogBenchmark.self, ProjectionsBenchmark.self, ExportBenchmark.self, ListBenchmark.self, CorpusCommand.self, HTTPBenchmark.self, LibraryBenchmark.self]
    )
}

import Dispatch

extension EventLog {
    /// Once the writer has collected enough samples, trains a dictionary in the background,
    /// writes it durably beside the segments, and makes later frames use it. Not while a compaction runs: it may be
    /// erasing records among the samples, and decides which dictionaries to retire from those installed when it
    /// starts (it waits for a training in flight); it drops the samples of what it erased.
    func startTrainingIfReady() {
        // Checked, taken and entered under the state's lock, as compaction is marked: a compaction that starts next
        // waits for this training.
        let taken: DictionarySamples? = state.withLock { state in
            guard !state.compacting, let taken = writer.withLock({ $0?.takeSamplesIfReady() }) else { return nil }
            maintenance.enter()
            return taken
        }
        guard let taken else { return }
        let id = dictionaries.nextID
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { maintenance.leave() }
            do {
                let bytes = try ZstdDictionary.train(samples: taken.samples, capacity: configuration.dictionaryCapacity)
                try dictionaries.install(bytes, id: id, sampledStreams: taken.streams)
                logger.info(
                    "trained compression dictionary",
                    metadata: ["log.dictionary": "\(id)", "log.samples": "\(taken.samples.count)", "log.bytes": "\(bytes.count)"])
            } catch {
                logger.warning("dictionary training failed; frames stay without one", metadata: ["log.error": "\(error)"])
            }
        }
    }
}

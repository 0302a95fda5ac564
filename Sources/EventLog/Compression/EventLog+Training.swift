import Dispatch

extension EventLog {
    /// Once the writer has collected enough samples, trains a dictionary in the background,
    /// writes it durably beside the segments, and makes later frames use it.
    func startTrainingIfReady() {
        guard let taken = writer.withLock({ $0.takeSamplesIfReady() }) else { return }
        let id = dictionaries.nextID
        maintenance.enter()
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

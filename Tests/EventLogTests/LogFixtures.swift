import EventLog
import Foundation

/// Small builders shared by the EventLog suites.
enum LogFixtures {
    /// A configuration for tests: no fsync (tests say so), no dictionary unless asked.
    static func configuration(
        segmentSize: UInt64 = 64 << 20, training: EventLog.DictionaryTraining = .disabled
    ) -> EventLog.Configuration {
        var configuration = EventLog.Configuration(durability: .none)
        configuration.segmentSize = segmentSize
        configuration.dictionaryTraining = training
        return configuration
    }

    static func record(_ text: String, type: String = "test.event", id: EventID = .random()) -> ProposedRecord {
        ProposedRecord(
            eventID: id, type: type, metadata: ["request.id": "r-\(text.count)"],
            body: Array("{\"text\":\"\(text)\"}".utf8))
    }

    static func text(of record: LogRecord) -> String {
        let object = try! JSONSerialization.jsonObject(with: Data(record.body)) as! [String: Any]
        return object["text"] as! String
    }

    static func segmentFiles(in directory: String) -> [String] {
        (try! FileManager.default.contentsOfDirectory(atPath: directory)).filter { $0.hasSuffix(".seg") }.sorted()
            .map { directory + "/" + $0 }
    }

    static func fileSize(_ path: String) -> UInt64 {
        (try! FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).uint64Value
    }

    static func truncate(_ path: String, to length: UInt64) {
        let handle = FileHandle(forWritingAtPath: path)!
        try! handle.truncate(atOffset: length)
        try! handle.close()
    }

    static func flipByte(_ path: String, at offset: UInt64) {
        let handle = FileHandle(forUpdatingAtPath: path)!
        try! handle.seek(toOffset: offset)
        let byte = handle.readData(ofLength: 1)[0]
        try! handle.seek(toOffset: offset)
        handle.write(Data([byte ^ 0x5A]))
        try! handle.close()
    }
}

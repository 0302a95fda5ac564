import Foundation
import Testing

@testable import EventLog

@Suite struct EventIDTests {
    @Test func randomIDsAreVersion4UUIDsThatRoundTripThroughTheirText() throws {
        for _ in 0..<1000 {
            let id = EventID.random()
            let text = id.description
            // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
            let characters = Array(text)
            #expect(characters.count == 36)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            #expect(EventID(text) == id)
            #expect(EventID(try #require(UUID(uuidString: text))) == id)
        }
    }

    @Test func randomIDsDoNotRepeat() {
        let ids = Set((0..<10_000).map { _ in EventID.random() })
        #expect(ids.count == 10_000)
    }
}

@testable import Projections
import Testing

/// The counters behind the caches' tickets (decision 0157): a drop refuses the tickets of its stripes and only
/// those; a drop of everything refuses every ticket.
@Suite struct DropGenerationsTests {
    @Test func aDropRefusesTheTicketsOfItsStripesOnly() {
        var generations = DropGenerations(stripes: 256)
        let all = (0..<generations.stripes).map { generations.ticket(stripe: $0) }
        #expect(all.allSatisfy { generations.admits($0) })

        generations.drop(stripe: 7)
        #expect(!generations.admits(all[7]))
        #expect(all.indices.filter { !generations.admits(all[$0]) } == [7])

        // The set's four words, their edges included.
        var stripes = DropGenerations.Stripes(among: 256)
        for stripe in [0, 63, 64, 127, 128, 200, 255, 64] { stripes.insert(stripe) }
        generations.drop(stripes)
        #expect(all.indices.filter { !generations.admits(all[$0]) } == [0, 7, 63, 64, 127, 128, 200, 255])
        #expect(generations.admits(generations.ticket(stripe: 64)), "a ticket taken after the drop")

        var wide = DropGenerations(stripes: 4096)
        let (first, last) = (wide.ticket(stripe: 0), wide.ticket(stripe: 4095))
        var edge = DropGenerations.Stripes(among: 4096)
        edge.insert(4095)
        wide.drop(edge)
        #expect(wide.admits(first) && !wide.admits(last))

        let fresh = generations.ticket(stripe: 1)
        generations.dropAll()
        #expect(!generations.admits(fresh))
        #expect(all.allSatisfy { !generations.admits($0) })
    }
}

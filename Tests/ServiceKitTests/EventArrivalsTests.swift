import Foundation
import Testing
@testable import ServiceKit

/// A request waiting for its own event: an arrival before or during the wait ends it, none ends it at the timeout.
@Suite struct EventArrivalsTests {
    @Test func anArrivalBeforeTheWaitIsNotMissed() async {
        let arrivals = EventArrivals()
        let id = UUID()
        arrivals.register(id)
        arrivals.arrived(id)
        let started = ContinuousClock.now
        #expect(await arrivals.wait(for: id, upTo: .seconds(10)))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func anArrivalDuringTheWaitEndsIt() async {
        let arrivals = EventArrivals()
        let id = UUID()
        arrivals.register(id)
        let waiting = Task { await arrivals.wait(for: id, upTo: .seconds(10)) }
        try? await Task.sleep(for: .milliseconds(100))
        arrivals.arrived(UUID())  // someone else's event changes nothing
        arrivals.arrived(id)
        #expect(await waiting.value)
    }

    @Test func noArrivalEndsAtTheTimeout() async {
        let arrivals = EventArrivals()
        let id = UUID()
        arrivals.register(id)
        let started = ContinuousClock.now
        #expect(await arrivals.wait(for: id, upTo: .milliseconds(300)) == false)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300))
        #expect(waited < .seconds(5))
    }
}

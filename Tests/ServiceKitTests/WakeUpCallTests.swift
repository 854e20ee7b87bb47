import Foundation
import Testing
@testable import ServiceKit

@Suite struct WakeUpCallTests {
    @Test func waitTimesOutWithoutAFire() async {
        let signal = WakeUpCall()
        let start = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(100))
        #expect(ContinuousClock.now - start >= .milliseconds(90))
    }

    @Test func aFireWithNobodyWaitingEndsOnlyTheNextWait() async {
        let signal = WakeUpCall()
        signal.fire()
        let first = ContinuousClock.now
        await signal.wait(upTo: .seconds(5))
        #expect(ContinuousClock.now - first < .seconds(4))  // well before the 5 s timeout, even on a loaded machine
        // The fire is used up: the following wait runs to its timeout (this was a busy loop once).
        let second = ContinuousClock.now
        await signal.wait(upTo: .milliseconds(150))
        #expect(ContinuousClock.now - second >= .milliseconds(140))
    }

    @Test func aFireEndsAWaitInProgress() async {
        let signal = WakeUpCall()
        let start = ContinuousClock.now
        async let waiting: Void = signal.wait(upTo: .seconds(10))
        try? await Task.sleep(for: .milliseconds(50))
        signal.fire()
        await waiting
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}

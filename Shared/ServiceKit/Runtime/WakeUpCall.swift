import Foundation
import Synchronization

/// A wake-up call between tasks: `fire()` ends the waits in progress, or, when none is, the next one.
/// Used to nudge polling loops (the outbox relay, the timer firing) instead of waiting for their next poll.
public final class WakeUpCall: Sendable {
    private struct State {
        var fired = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.waiters.isEmpty { s.fired = true; return [] }
            let w = Array(s.waiters.values)
            s.waiters = [:]
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns when fired, or after `timeout`, whichever comes first.
    public func wait(upTo timeout: Duration) async {
        let token = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { s -> Bool in
                        if s.fired { s.fired = false; return true }
                        s.waiters[token] = c
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            // Timed out: release only our own continuation, if it is still parked.
            let mine = self.state.withLock { $0.waiters.removeValue(forKey: token) }
            mine?.resume()
        }
    }
}

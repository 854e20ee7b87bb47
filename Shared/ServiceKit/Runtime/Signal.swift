import Foundation
import Synchronization

/// A wake-up call between tasks: `fire()` ends the current (or next) `wait`. Used to nudge polling loops.
public final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            let w = s.waiters
            s.waiters = []
            s.fired = w.isEmpty
            return w
        }
        for w in waiters { w.resume() }
    }

    /// Returns when fired, or after `timeout`, whichever comes first.
    public func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { s -> Bool in
                        if s.fired { s.fired = false; return true }
                        s.waiters.append(c)
                        return false
                    }
                    if resumeNow { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            // The continuation task may still be parked; release it.
            self.fire()
        }
    }
}

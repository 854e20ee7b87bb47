import Foundation
import Synchronization

/// Lets a request wait until the service's own consumer has processed a given event.
///
/// The request registers before it writes the outbox, so an arrival can never be missed.
public final class EventArrivals: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>?
        var arrived = false
    }
    private let waiters = Mutex<[UUID: Waiter]>([:])

    public init() {}

    public func register(_ id: UUID) {
        waiters.withLock { $0[id] = Waiter() }
    }

    /// Drops a registration nobody will wait for (its command was not recorded after all).
    public func forget(_ id: UUID) {
        _ = waiters.withLock { $0.removeValue(forKey: id) }
    }

    /// Called by the consumer after committing an event.
    public func arrived(_ id: UUID) {
        let c = waiters.withLock { w -> CheckedContinuation<Bool, Never>? in
            guard var entry = w[id] else { return nil }
            entry.arrived = true
            let c = entry.continuation
            entry.continuation = nil
            w[id] = entry
            return c
        }
        c?.resume(returning: true)
    }

    /// True when the event arrived within `timeout`. Always unregisters.
    public func wait(for id: UUID, upTo timeout: Duration) async -> Bool {
        let result = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                    let resumeNow = self.waiters.withLock { w -> Bool in
                        guard var entry = w[id] else { return true }
                        if entry.arrived { return true }
                        entry.continuation = c
                        w[id] = entry
                        return false
                    }
                    if resumeNow { c.resume(returning: true) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first {
                // Timed out: release the parked continuation, if any.
                let c = self.waiters.withLock { w -> CheckedContinuation<Bool, Never>? in
                    let c = w[id]?.continuation
                    w[id]?.continuation = nil
                    w[id]?.arrived = true
                    return c
                }
                c?.resume(returning: false)
                _ = await group.next()
            }
            return first
        }
        waiters.withLock { _ = $0.removeValue(forKey: id) }
        return result
    }
}

import Testing

@testable import WangqianPostgres

/// The pool's bookkeeping, driven by hand: connections are Ints, waiters Strings.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine<Int, String>

    @Test func opensUpToCapacityThenQueuesWaitersInOrder() {
        var machine = Machine(capacity: 2)
        #expect(isOpen(machine.lease(id: 1, waiter: "a", isCancelled: false)))
        #expect(isOpen(machine.lease(id: 2, waiter: "b", isCancelled: false)))
        #expect(isWait(machine.lease(id: 3, waiter: "c", isCancelled: false)))
        #expect(isWait(machine.lease(id: 4, waiter: "d", isCancelled: false)))
        #expect(machine.openCount == 2 && machine.waitingCount == 2)
        guard case .handOver(10, "c") = machine.release(10, reusable: true) else { Issue.record("not FIFO"); return }
        guard case .handOver(11, "d") = machine.release(11, reusable: true) else { Issue.record("not FIFO"); return }
        guard case .none = machine.release(10, reusable: true) else { Issue.record("should go idle"); return }
        guard case .grant(.connection(10)) = machine.lease(id: 5, waiter: "e", isCancelled: false) else {
            Issue.record("idle connection not reused")
            return
        }
        #expect(machine.openCount == 2)
    }

    @Test func cancelledWaiterLeavesTheQueueAndTakesNothing() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(id: 1, waiter: "a", isCancelled: false)
        _ = machine.lease(id: 2, waiter: "b", isCancelled: false)
        _ = machine.lease(id: 3, waiter: "c", isCancelled: false)
        #expect(machine.cancel(id: 2) == "b")
        #expect(machine.cancel(id: 2) == nil)
        guard case .handOver(7, "c") = machine.release(7, reusable: true) else { Issue.record("wrong waiter"); return }
        guard case .failCancelled = machine.lease(id: 4, waiter: "d", isCancelled: true) else {
            Issue.record("a cancelled task must not lease")
            return
        }
        #expect(machine.openCount == 1 && machine.waitingCount == 0)
    }

    @Test func brokenConnectionFreesItsSlotForTheNextWaiter() {
        var machine = Machine(capacity: 1)
        _ = machine.lease(id: 1, waiter: "a", isCancelled: false)
        _ = machine.lease(id: 2, waiter: "b", isCancelled: false)
        guard case .close(5, slotFor: "b") = machine.release(5, reusable: false) else {
            Issue.record("waiter should get the slot")
            return
        }
        #expect(machine.openCount == 1)
        #expect(machine.openFailed() == nil)
        #expect(machine.openCount == 0)
        #expect(isOpen(machine.lease(id: 3, waiter: "c", isCancelled: false)))
    }

    @Test func closeFailsWaitersAndClosesIdleConnections() {
        var machine = Machine(capacity: 2)
        _ = machine.lease(id: 1, waiter: "a", isCancelled: false)
        _ = machine.lease(id: 2, waiter: "b", isCancelled: false)
        _ = machine.lease(id: 3, waiter: "c", isCancelled: false)
        _ = machine.release(1, reusable: true)  // handed to "c"
        _ = machine.release(1, reusable: true)  // idle
        let (idle, waiters) = machine.close()
        #expect(idle == [1] && waiters.isEmpty && machine.openCount == 1)
        guard case .close(2, slotFor: nil) = machine.release(2, reusable: true) else {
            Issue.record("a closed pool must close returned connections")
            return
        }
        #expect(machine.openCount == 0)
        guard case .failClosed = machine.lease(id: 4, waiter: "d", isCancelled: false) else {
            Issue.record("a closed pool must refuse leases")
            return
        }
    }

    private func isOpen(_ action: Machine.LeaseAction) -> Bool {
        if case .grant(.open) = action { true } else { false }
    }

    private func isWait(_ action: Machine.LeaseAction) -> Bool {
        if case .wait = action { true } else { false }
    }
}

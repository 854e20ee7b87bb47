/// What a lease receives: an idle connection, or the right to open a new one.
enum PoolGrant<Connection> {
    case connection(Connection)
    case open
}

/// The pool's bookkeeping, without I/O: who gets which connection, when to open one, when to close one.
/// Every mutating method returns what the caller must then do, outside the lock.
struct PoolStateMachine<Connection, Waiter> {
    enum LeaseAction {
        case grant(PoolGrant<Connection>)
        /// No connection and no room: the waiter was queued.
        case wait
        case failClosed
        case failCancelled
    }

    enum ReleaseAction {
        case none
        case handOver(Connection, to: Waiter)
        /// Close the connection; if a waiter was given its slot, let it open a new one.
        case close(Connection, slotFor: Waiter?)
    }

    let capacity: Int
    private(set) var idle: [Connection] = []
    /// Idle, leased and being opened.
    private(set) var openCount = 0
    private var waiters: [(id: Int, waiter: Waiter)] = []
    private var lastWaiterID = 0
    private(set) var isClosed = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var waitingCount: Int { waiters.count }

    mutating func makeWaiterID() -> Int {
        lastWaiterID += 1
        return lastWaiterID
    }

    mutating func lease(id: Int, waiter: Waiter, isCancelled: Bool) -> LeaseAction {
        if isClosed { return .failClosed }
        if isCancelled { return .failCancelled }
        // Most recently used first: it is the one most likely still alive.
        if let connection = idle.popLast() { return .grant(.connection(connection)) }
        if openCount < capacity {
            openCount += 1
            return .grant(.open)
        }
        waiters.append((id, waiter))
        return .wait
    }

    /// A waiting lease was cancelled: the waiter to fail, if it was still waiting.
    mutating func cancel(id: Int) -> Waiter? {
        guard let position = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: position).waiter
    }

    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        if reusable && !isClosed {
            if !waiters.isEmpty { return .handOver(connection, to: waiters.removeFirst().waiter) }
            idle.append(connection)
            return .none
        }
        openCount -= 1
        return .close(connection, slotFor: giveSlotToWaiter())
    }

    /// Opening a connection failed: its slot is free again, maybe for a waiter.
    mutating func openFailed() -> Waiter? {
        openCount -= 1
        return giveSlotToWaiter()
    }

    /// Returns the idle connections to close and the waiters to fail; leased ones close when released.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        isClosed = true
        let closing = idle
        idle = []
        openCount -= closing.count
        defer { waiters = [] }
        return (closing, waiters.map(\.waiter))
    }

    private mutating func giveSlotToWaiter() -> Waiter? {
        guard !isClosed, openCount < capacity, !waiters.isEmpty else { return nil }
        openCount += 1
        return waiters.removeFirst().waiter
    }
}

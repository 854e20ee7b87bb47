import Foundation

/// The bounded hand-over from a consumer's poll thread to the task iterating `messages`.
///
/// When `capacity` messages wait, the poll thread stops taking messages from librdkafka until a reader
/// makes room (librdkafka's own prefetch queue is bounded by `queued.max.messages.kbytes`).
final class MessageBuffer: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<KafkaMessage?, any Error>

    private enum State {
        case open
        case failed(KafkaError)
        case finished
    }

    let capacity: Int
    private let lock = NSCondition()  // also signals the poll thread when room appears
    private var items: [KafkaMessage] = []
    private var head = 0
    private var waiters: [(id: UInt64, continuation: Waiter)] = []
    private var nextWaiterID: UInt64 = 0
    private var state = State.open
    private(set) var peakCount = 0  // for tests of the bound

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { lock.withLock { items.count - head } }

    // MARK: Poll-thread side

    /// Waits until fewer than `capacity` messages wait, the buffer has ended, or `timeout` passed.
    /// Returns whether there is room.
    func waitForRoom(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.milliseconds) / 1000)
        lock.lock()
        defer { lock.unlock() }
        while items.count - head >= capacity, case .open = state {
            if !lock.wait(until: deadline) { break }
        }
        return items.count - head < capacity
    }

    /// Makes `waitForRoom` return now (used when the consumer closes).
    func interruptWait() { lock.withLock { lock.broadcast() } }

    /// Hands a message to a waiting reader or queues it.
    func push(_ message: KafkaMessage) {
        lock.lock()
        guard case .open = state else {
            lock.unlock()
            return
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume(returning: message)
            return
        }
        items.append(message)
        peakCount = max(peakCount, items.count - head)
        lock.unlock()
    }

    /// Drops queued messages of partitions this consumer no longer owns.
    func remove(_ partitions: Set<KafkaTopicPartition>) {
        lock.withLock {
            items = Array(items[head...].filter { !partitions.contains($0.topicPartition) })
            head = 0
            lock.broadcast()
        }
    }

    /// Ends the sequence with `error` (queued messages are dropped).
    func fail(_ error: KafkaError) { end(.failed(error)) }

    /// Ends the sequence normally (queued messages are dropped).
    func finish() { end(.finished) }

    private func end(_ newState: State) {
        lock.lock()
        guard case .open = state else {
            lock.unlock()
            return
        }
        items = []
        head = 0
        let woken = waiters
        waiters = []
        if case .failed = newState, !woken.isEmpty {
            state = .finished  // the waiting readers get the error; later calls end normally
        } else {
            state = newState
        }
        lock.broadcast()
        lock.unlock()
        for waiter in woken {
            if case .failed(let error) = newState {
                waiter.continuation.resume(throwing: error)
            } else {
                waiter.continuation.resume(returning: nil)
            }
        }
    }

    // MARK: Reader side

    func next() async throws -> KafkaMessage? {
        switch try take(orRegister: nil) {
        case .message(let message): return message
        case .end: return nil
        case .waiting: break  // not reached without a waiter
        }
        let id: UInt64 = lock.withLock {
            nextWaiterID += 1
            return nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                do {
                    switch try take(orRegister: (id, continuation)) {
                    case .message(let message): continuation.resume(returning: message)
                    case .end: continuation.resume(returning: nil)
                    case .waiting: break  // `push`, `end` or cancellation resumes it
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter: Waiter? = lock.withLock {
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return waiters.remove(at: index).continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for one message like `next()`, then takes up to `maxCount - 1` more that are already queued,
    /// without waiting for them. Empty means the end.
    func nextBatch(maxCount: Int) async throws -> [KafkaMessage] {
        guard let first = try await next() else { return [] }
        return [first] + takeQueued(maxCount - 1)
    }

    private func takeQueued(_ maxCount: Int) -> [KafkaMessage] {
        lock.lock()
        defer { lock.unlock() }
        let count = min(max(0, maxCount), items.count - head)
        guard count > 0 else { return [] }
        let taken = Array(items[head..<(head + count)])
        advance(by: count)
        return taken
    }

    /// Drops `count` taken messages from the front (under the lock) and signals room to the poll thread.
    private func advance(by count: Int) {
        head += count
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        lock.signal()  // room for the poll thread, should it be waiting
    }

    private enum Take {
        case message(KafkaMessage)
        case end
        case waiting
    }

    /// A queued message, the end, or the failure; otherwise registers `waiter` (if any) and says `.waiting`.
    private func take(orRegister waiter: (id: UInt64, continuation: Waiter)?) throws -> Take {
        lock.lock()
        if head < items.count {
            let message = items[head]
            advance(by: 1)
            lock.unlock()
            return .message(message)
        }
        switch state {
        case .failed(let error):
            state = .finished
            lock.unlock()
            throw error
        case .finished:
            lock.unlock()
            return .end
        case .open:
            guard let waiter else {
                lock.unlock()
                return .waiting
            }
            if Task.isCancelled {
                lock.unlock()
                return .end
            }
            waiters.append(waiter)
            lock.unlock()
            return .waiting
        }
    }
}

/// The messages of a `KafkaConsumer`, in order per partition. Ends (returns nil) after `close()` or
/// when the iterating task is cancelled; throws on fatal errors. Holds the consumer alive while iterated.
public struct KafkaMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaMessage
    public typealias Failure = any Error

    let consumer: KafkaConsumer

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer

        public mutating func next() async throws -> KafkaMessage? {
            try await consumer.buffer.next()
        }

        /// The next message and up to `maxCount - 1` more already received (never waits for those), in
        /// order; empty at the end. For a reader that applies several records in one transaction.
        public mutating func nextBatch(maxCount: Int) async throws -> [KafkaMessage] {
            try await consumer.buffer.nextBatch(maxCount: maxCount)
        }
    }
}

import Foundation

/// The bounded hand-over from a consumer's poll thread to the task iterating `messages`.
///
/// The poll thread pushes; when `capacity` messages wait, it pauses fetching (see `KafkaConsumer`) and
/// the buffer wakes it again once readers have drained it to half.
final class MessageBuffer: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<KafkaMessage?, any Error>

    private enum State {
        case open
        case failed(KafkaError)
        case finished
    }

    let capacity: Int
    var resumeLevel: Int { capacity / 2 }
    private let wakePoller: @Sendable () -> Void
    private let lock = NSLock()
    private var items: [KafkaMessage] = []
    private var head = 0
    private var waiters: [(id: UInt64, continuation: Waiter)] = []
    private var nextWaiterID: UInt64 = 0
    private var state = State.open
    private var pollerPaused = false
    private(set) var peakCount = 0  // for tests of the bound

    init(capacity: Int, wakePoller: @escaping @Sendable () -> Void) {
        self.capacity = max(1, capacity)
        self.wakePoller = wakePoller
    }

    var count: Int { lock.withLock { items.count - head } }

    // MARK: Poll-thread side

    /// Hands a message to a waiting reader or queues it; returns how many messages now wait.
    func push(_ message: KafkaMessage) -> Int {
        lock.lock()
        guard case .open = state else {
            lock.unlock()
            return 0
        }
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume(returning: message)
            return 0
        }
        items.append(message)
        let count = items.count - head
        peakCount = max(peakCount, count)
        lock.unlock()
        return count
    }

    /// The poll thread paused fetching; wake it when readers get down to `resumeLevel`.
    func markPollerPaused() { lock.withLock { pollerPaused = true } }

    /// Drops queued messages of partitions this consumer no longer owns.
    func remove(_ partitions: Set<KafkaTopicPartition>) {
        lock.withLock {
            items = Array(items[head...].filter { !partitions.contains($0.topicPartition) })
            head = 0
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
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024, head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            let wake = pollerPaused && items.count - head <= resumeLevel
            if wake { pollerPaused = false }
            lock.unlock()
            if wake { wakePoller() }
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
    }
}

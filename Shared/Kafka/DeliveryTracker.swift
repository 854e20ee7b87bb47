import Foundation

/// The outcomes of one `send`/`sendAll` call, filled in by delivery reports in any order.
final class DeliveryBatch: @unchecked Sendable {
    typealias Outcomes = [Result<KafkaDeliveryReport, KafkaError>?]
    private let lock = NSLock()
    private var results: Outcomes
    private var expected = Int.max  // set by `seal` once enqueueing has ended
    private var completed = 0
    private var continuation: CheckedContinuation<Outcomes, Never>?

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func record(_ index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let finished = lock.withLock { () -> (CheckedContinuation<Outcomes, Never>, Outcomes)? in
            results[index] = result
            completed += 1
            guard completed == expected, let waiter = continuation else { return nil }
            continuation = nil
            return (waiter, results)
        }
        if let (waiter, all) = finished { waiter.resume(returning: all) }
    }

    /// Declares that exactly `count` messages (the first ones) were handed to librdkafka.
    func seal(count: Int) { lock.withLock { expected = count } }

    /// Waits for the delivery reports of all sealed messages.
    func outcomes() async -> Outcomes {
        await withCheckedContinuation { continuation in
            let ready: Bool = lock.withLock {
                if completed == expected { return true }
                self.continuation = continuation
                return false
            }
            if ready { continuation.resume(returning: lock.withLock { results }) }
        }
    }
}

/// Maps the id librdkafka carries in each message's opaque to the batch awaiting it.
final class DeliveryTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var nextID: UInt = 1
    private var pending: [UInt: (batch: DeliveryBatch, index: Int)] = [:]
    private var refusal: KafkaError?  // set once the producer is closed or has failed fatally

    /// An id for the message's opaque pointer, or the reason no more messages are accepted.
    func register(_ batch: DeliveryBatch, index: Int) throws(KafkaError) -> UInt {
        let result: Result<UInt, KafkaError> = lock.withLock {
            if let refusal { return .failure(refusal) }
            let id = nextID
            nextID += 1
            pending[id] = (batch, index)
            return .success(id)
        }
        return try result.get()
    }

    func forget(_ id: UInt) { _ = lock.withLock { pending.removeValue(forKey: id) } }

    func complete(_ id: UInt, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        guard let entry = lock.withLock({ pending.removeValue(forKey: id) }) else { return }
        entry.batch.record(entry.index, result)
    }

    /// Refuses new messages from now on (the first reason given wins).
    func refuse(_ error: KafkaError) { lock.withLock { if refusal == nil { refusal = error } } }

    /// Fails every message still awaiting a report (after the handle can no longer deliver any).
    func failAll(_ error: KafkaError) {
        let all = lock.withLock {
            let all = pending
            pending = [:]
            return all
        }
        for entry in all.values { entry.batch.record(entry.index, .failure(error)) }
    }
}

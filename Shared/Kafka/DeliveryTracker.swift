import Foundation
import Synchronization

/// The outcomes of one `send`/`sendAll` call, filled in by delivery reports in any order.
final class DeliveryBatch: Sendable {
    typealias Outcomes = [Result<KafkaDeliveryReport, KafkaError>?]
    private struct State {
        var results: Outcomes
        var expected = Int.max  // set by `seal` once enqueueing has ended
        var completed = 0
        var continuation: CheckedContinuation<Outcomes, Never>?
    }
    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count))) }

    func record(_ index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let finished = state.withLock { state -> (CheckedContinuation<Outcomes, Never>, Outcomes)? in
            state.results[index] = result
            state.completed += 1
            guard state.completed == state.expected, let waiter = state.continuation else { return nil }
            state.continuation = nil
            return (waiter, state.results)
        }
        if let (waiter, all) = finished { waiter.resume(returning: all) }
    }

    /// Declares that exactly `count` messages (the first ones) were handed to librdkafka.
    func seal(count: Int) { state.withLock { $0.expected = count } }

    /// Waits for the delivery reports of all sealed messages.
    func outcomes() async -> Outcomes {
        await withCheckedContinuation { continuation in
            let ready: Outcomes? = state.withLock { state in
                if state.completed == state.expected { return state.results }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Maps the id librdkafka carries in each message's opaque to the batch awaiting it.
final class DeliveryTracker: Sendable {
    private struct State {
        var nextID: UInt = 1
        var pending: [UInt: (batch: DeliveryBatch, index: Int)] = [:]
        var refusal: KafkaError?  // set once the producer is closed or has failed fatally
    }
    private let state = Mutex(State())

    /// An id for the message's opaque pointer, or the reason no more messages are accepted.
    func register(_ batch: DeliveryBatch, index: Int) throws(KafkaError) -> UInt {
        let result: Result<UInt, KafkaError> = state.withLock { state in
            if let refusal = state.refusal { return .failure(refusal) }
            let id = state.nextID
            state.nextID += 1
            state.pending[id] = (batch, index)
            return .success(id)
        }
        return try result.get()
    }

    func forget(_ id: UInt) { _ = state.withLock { $0.pending.removeValue(forKey: id) } }

    func complete(_ id: UInt, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        guard let entry = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        entry.batch.record(entry.index, result)
    }

    /// Refuses new messages from now on (the first reason given wins).
    func refuse(_ error: KafkaError) { state.withLock { if $0.refusal == nil { $0.refusal = error } } }

    /// Fails every message still awaiting a report (after the handle can no longer deliver any).
    func failAll(_ error: KafkaError) {
        let all = state.withLock { state in
            let all = state.pending
            state.pending = [:]
            return all
        }
        for entry in all.values { entry.batch.record(entry.index, .failure(error)) }
    }
}

import AgreementContract
import AgreementDomain
import Foundation
import WangqianPostgres

/// Where a service's events go: each is encoded as a signed CloudEvent record for the outbox (in the writer's
/// own transaction), and the relay is told once that transaction committed. Everything that emits (commands,
/// registrations, roster imports, timers) writes through this one value.
public struct EventOutbox: Sendable {
    /// The service's clock: the `time` of what it emits.
    public let clock: ServiceClock
    /// CloudEvents `source` of what this service emits, e.g. `/wangqian/student`.
    let source: String
    let keys: EventKeyRing
    let topics: Topics
    let relay: OutboxRelay

    init(clock: ServiceClock, source: String, keys: EventKeyRing, topics: Topics, relay: OutboxRelay) {
        self.clock = clock
        self.source = source
        self.keys = keys
        self.topics = topics
        self.relay = relay
    }

    /// Encodes an event as a signed CloudEvent Kafka record. An event over the contract's size limit is refused
    /// here, before it is recorded (422): the broker would refuse it later, for ever.
    public func record(for event: ContractEvent) throws(APIError) -> OutboxRecord {
        let id = UUID()
        let parts = CloudEvent.encode(event, id: id, source: source, time: clock.now)
        let size = EventLimits.size(key: parts.key, value: parts.value, headers: parts.headers)
        guard size <= EventLimits.maxRecordBytes - 1024 else {
            throw APIError(.unprocessableContent, code: "event_too_large",
                           message: "内容过多，无法保存（事件大小 \(size) 字节，上限 \(EventLimits.maxRecordBytes - 1024) 字节）")
        }
        let headers: [(String, [UInt8])]
        do { headers = try keys.sign(headers: parts.headers, value: parts.value) } catch {
            throw APIError(.internalServerError, code: "internal", message: "系统繁忙，请稍后重试")
        }
        return OutboxRecord(
            eventID: id, topic: topics.name(for: event), key: parts.key,
            headers: Dictionary(headers.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a }),
            value: parts.value)
    }

    public func record(for event: AgreementEvent) throws(APIError) -> OutboxRecord { try record(for: .agreement(event)) }

    /// Encodes `events` and appends them to the outbox on `connection` (inside the caller's transaction).
    @discardableResult
    public func append(_ events: [ContractEvent], on connection: PostgresConnection) async throws -> [OutboxRecord] {
        let records = try events.map { event throws(APIError) in try record(for: event) }
        try await Outbox.append(records, on: connection)
        return records
    }

    /// Tells the relay that a transaction that appended has committed, so it publishes without waiting.
    public func committed() { relay.nudge() }
}

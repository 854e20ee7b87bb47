import Foundation
import Logging
import Testing
import WangqianKafka
import WangqianPostgres
@testable import ServiceKit

/// The outbox relay against the real PostgreSQL and broker: publishing in order, and publishing again what the log
/// has not shown back (a broker that acknowledged and lost a record).
@Suite(.serialized) struct OutboxRelayTests {
    let logger = Logger(label: "servicekit-tests")

    func withFixture(_ body: (PostgresPool, KafkaProducer, String) async throws -> Void) async throws {
        try await BrokerAndDatabase.withFixture(logger: logger, body)
    }

    func record(_ topic: String, _ n: Int) -> OutboxRecord {
        OutboxRecord(eventID: UUID(), topic: topic, key: "同一份协议", headers: ["ce_id": "\(n)"], value: Array("事件\(n)".utf8))
    }

    /// Records that our consumer has read `topic`'s partition 0 up to `next` (as the services' consumers store it).
    func consumed(_ topic: String, upTo next: Int64, pool: PostgresPool) async throws {
        try await pool.execute("""
            insert into consumer_offsets (topic, partition, next_offset) values (\(topic), 0, \(next))
            on conflict (topic, partition) do update set next_offset = excluded.next_offset
            """)
    }

    func read(_ topic: String, count: Int) async throws -> [String] {
        try await BrokerAndDatabase.read(topic, count: count, logger: logger).map { String(decoding: $0.value, as: UTF8.self) }
    }

    @Test func publishesInRecordingOrderAndMarksWhatTheBrokerAcknowledged() async throws {
        try await withFixture { pool, producer, topic in
            let relay = OutboxRelay(pool: pool, producer: producer, logger: logger)
            try await pool.withTransaction { try await Outbox.append((1...5).map { record(topic, $0) }, on: $0) }
            #expect(try await Outbox.backlog(on: pool) == 5)
            #expect(try await relay.publishBatch() == 5)
            #expect(try await Outbox.backlog(on: pool) == 0)
            #expect(try await relay.publishBatch() == 0)
            #expect(try await read(topic, count: 5) == (1...5).map { "事件\($0)" })
        }
    }

    @Test func anEventNeverReadBackIsPublishedAgainAndAConfirmedOneIsNot() async throws {
        try await withFixture { pool, producer, topic in
            let relay = OutboxRelay(pool: pool, producer: producer, logger: logger,
                                    confirmedTopics: [topic], republishAfter: .milliseconds(200))
            let lost = record(topic, 1), seen = record(topic, 2)
            try await pool.withTransaction { try await Outbox.append([lost, seen], on: $0) }
            #expect(try await relay.publishBatch() == 2)
            // Our consumer read back only the second one.
            try await pool.withConnection { try await Outbox.confirm([seen.eventID], on: $0) }

            // Not yet past the window: nothing is requeued.
            try await relay.requeueUnconfirmed()
            #expect(try await Outbox.backlog(on: pool) == 0)

            // Past the window, but our consumer has not yet read up to the offset the broker acknowledged it at:
            // a lagging consumer is no loss.
            try await Task.sleep(for: .milliseconds(400))
            try await consumed(topic, upTo: 0, pool: pool)
            try await relay.requeueUnconfirmed()
            #expect(try await Outbox.backlog(on: pool) == 0)

            // Our consumer read past both offsets and saw only the second: the first was lost.
            try await consumed(topic, upTo: 2, pool: pool)
            try await relay.requeueUnconfirmed()
            #expect(try await Outbox.backlog(on: pool) == 1)
            #expect(try await relay.publishBatch() == 1)
            // The log now holds the unconfirmed event twice (consumers drop the copy by its id), the confirmed once.
            #expect(try await read(topic, count: 3) == ["事件1", "事件2", "事件1"])
            let attempts = try await pool.query("select attempts from outbox where event_id = \(lost.eventID)")[0]
            #expect(try attempts.decode("attempts", as: Int.self) == 1)
        }
    }

    @Test func anEventTheBrokerRefusesIsParkedAfterFiveAttemptsAndTheLaneGoesOn() async throws {
        try await withFixture { pool, producer, topic in
            let relay = OutboxRelay(pool: pool, lanes: [.init(topic: topic, producer: producer)], logger: logger)
            let huge = OutboxRecord(eventID: UUID(), topic: topic, key: "k", headers: [:], value: [UInt8](repeating: 0x61, count: 1_200_000))
            let next = record(topic, 2)
            try await pool.withTransaction { try await Outbox.append([huge, next], on: $0) }
            for attempt in 1...Outbox.maxPublishFailures {
                let outcome = try await relay.publishBatch(topic: topic, producer: producer)
                #expect(outcome == .refused(parked: attempt == Outbox.maxPublishFailures ? huge.eventID : nil), "attempt \(attempt)")
            }
            #expect(try await Outbox.parkReason(of: huge.eventID, on: pool)?.contains("refused by the broker 5 times") == true)
            #expect(try await Outbox.parkReason(of: next.eventID, on: pool) == nil)
            #expect(try await relay.publishBatch(topic: topic, producer: producer) == .published(1))
            #expect(try await read(topic, count: 1) == ["事件2"])
            let lanes = try await Outbox.lanes(on: pool)
            #expect(lanes.first?.parked == 1)
            #expect(lanes.first?.unpublished == 0)
        }
    }

    @Test func anEventPublishedFiveTimesWithoutEverBeingReadBackIsParked() async throws {
        try await withFixture { pool, producer, topic in
            let relay = OutboxRelay(pool: pool, producer: producer, logger: logger,
                                    confirmedTopics: [topic], republishAfter: .milliseconds(50))
            let lost = record(topic, 1)
            try await pool.withTransaction { try await Outbox.append([lost], on: $0) }
            try await consumed(topic, upTo: 1_000, pool: pool)
            for _ in 1..<Outbox.maxPublications {
                #expect(try await relay.publishBatch() == 1)
                try await Task.sleep(for: .milliseconds(120))
                try await relay.requeueUnconfirmed()
            }
            #expect(try await relay.publishBatch() == 1)
            try await Task.sleep(for: .milliseconds(120))
            try await relay.requeueUnconfirmed()
            #expect(try await relay.publishBatch() == 0)
            #expect(try await Outbox.parkReason(of: lost.eventID, on: pool)?.contains("never read back") == true)
            #expect(try await Outbox.lanes(on: pool).first?.republished == Outbox.maxPublications - 1)
        }
    }

    @Test func lanesPublishTheirTopicsIndependently() async throws {
        try await withFixture { pool, producer, topic in
            let other = topic + "-bulk"
            try await KafkaAdmin.createTopics([.init(name: other, partitions: 1)], config: .fromEnvironment(clientId: "servicekit-tests"), logger: logger)
            let relay = OutboxRelay(pool: pool, lanes: [.init(topic: topic, producer: producer), .init(topic: other, producer: producer)],
                                    logger: logger, batchSize: 10)
            // A bulk backlog recorded first does not hold back the other topic's event.
            try await pool.withTransaction { try await Outbox.append((1...50).map { record(other, $0) } + [record(topic, 99)], on: $0) }
            #expect(try await relay.publishBatch(topic: topic, producer: producer) == .published(1))
            #expect(try await read(topic, count: 1) == ["事件99"])
            #expect(try await Outbox.backlog(on: pool) == 50)
        }
    }
}

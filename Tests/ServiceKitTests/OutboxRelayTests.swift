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

    /// A fresh database with the base migrations, and a fresh topic.
    func withFixture(_ body: (PostgresPool, KafkaProducer, String) async throws -> Void) async throws {
        let name = "wq_sk_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresPool(config: PostgresConfig.fromEnvironment(database: "postgres"), logger: logger)
        try await admin.execute("create database \(identifier: name)")
        let pool = PostgresPool(config: PostgresConfig.fromEnvironment(database: name), logger: logger)
        let kafka = KafkaConfig.fromEnvironment(clientId: "servicekit-tests")
        let producer = try KafkaProducer.make(config: kafka, logger: logger)
        do {
            try await PostgresMigrator.run(ServiceRuntime.baseMigrations, on: pool, logger: logger)
            let topic = "servicekit-test-\(UUID().uuidString.lowercased())"
            try await KafkaAdmin.createTopics([.init(name: topic, partitions: 1)], config: kafka, logger: logger)
            try await body(pool, producer, topic)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
        func cleanUp() async {
            await producer.shutdown()
            await pool.close()
            _ = try? await admin.execute("drop database if exists \(identifier: name) with (force)")
            await admin.close()
        }
    }

    func record(_ topic: String, _ n: Int) -> OutboxRecord {
        OutboxRecord(eventID: UUID(), topic: topic, key: "同一份协议", headers: ["ce_id": "\(n)"], value: Array("事件\(n)".utf8))
    }

    func read(_ topic: String, count: Int) async throws -> [String] {
        let consumer = try KafkaConsumer.assign([.init(topic: topic, partition: 0, offset: 0)],
                                                config: .fromEnvironment(clientId: "servicekit-tests"), logger: logger)
        var values: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        for try await message in consumer.messages {
            values.append(String(decoding: message.value, as: UTF8.self))
            if values.count == count || ContinuousClock.now > deadline { break }
        }
        await consumer.close()
        return values
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
            try await pool.withConnection { try await Outbox.confirm(seen.eventID, on: $0) }

            // Not yet past the window: nothing is requeued.
            try await relay.requeueUnconfirmed()
            #expect(try await Outbox.backlog(on: pool) == 0)

            try await Task.sleep(for: .milliseconds(400))
            try await relay.requeueUnconfirmed()
            #expect(try await Outbox.backlog(on: pool) == 1)
            #expect(try await relay.publishBatch() == 1)
            // The log now holds the unconfirmed event twice (consumers drop the copy by its id), the confirmed once.
            #expect(try await read(topic, count: 3) == ["事件1", "事件2", "事件1"])
            let attempts = try await pool.query("select attempts from outbox where event_id = \(lost.eventID)")[0]
            #expect(try attempts.decode("attempts", as: Int.self) == 1)
        }
    }
}

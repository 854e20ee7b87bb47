import Foundation
import Logging
import Synchronization
import Testing
import WangqianKafka
import WangqianPostgres
@testable import ServiceKit

/// The exactly-once consumer against the real broker and database: no record stops it. Undecodable records,
/// records the handler keeps failing on, and records too large to be dead-lettered as they are all end in the
/// `dead_letters` table and on the dead-letter topic, and the events after them are applied.
@Suite(.serialized) struct EventConsumerTests {
    let logger = Logger(label: "servicekit-tests")

    struct Failure: Error {}

    @Test func noRecordStopsTheConsumer() async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, producer, topic in
            let deadLetterTopic = topic + "-dlq"
            var bigConfig = KafkaConfig.fromEnvironment(clientId: "servicekit-tests-big")
            bigConfig.extra["message.max.bytes"] = "10000000"
            try await KafkaAdmin.createTopics([.init(name: deadLetterTopic, partitions: 1)], config: bigConfig, logger: logger)
            try await pool.execute("create table applied (n int primary key)")
            let bigProducer = try KafkaProducer.make(config: bigConfig, logger: logger)
            let big = [UInt8](repeating: 0x62, count: 1_200_000)
            func message(_ value: [UInt8], id: UUID) -> KafkaOutgoingMessage {
                KafkaOutgoingMessage(topic: topic, key: Array("k".utf8), value: value,
                                     headers: [KafkaHeader(key: "ce_id", string: id.uuidString.lowercased())])
            }
            let ids = (0..<5).map { _ in UUID() }
            for (i, value) in [Array("ok:1".utf8), Array("bad".utf8), big, Array("fail".utf8), Array("ok:2".utf8)].enumerated() {
                _ = try await bigProducer.send(message(value, id: ids[i]))
            }
            await bigProducer.shutdown()

            let parked = Mutex<[UUID]>([])
            let progress = ConsumerProgress()
            let consumer = EventConsumer<Int>(
                name: "test", topics: [topic], pool: pool, kafka: .fromEnvironment(clientId: "servicekit-tests"),
                producer: producer, deadLetterTopic: deadLetterTopic, progress: progress, logger: logger,
                decode: { message throws(DeadLetterReason) in
                    let text = String(decoding: message.value.prefix(10), as: UTF8.self)
                    let id = UUID(uuidString: String(decoding: message.headers[0].value, as: UTF8.self))!
                    if text == "fail" { return (id, -1) }
                    guard text.hasPrefix("ok:"), let n = Int(text.dropFirst(3)) else { throw DeadLetterReason("not an event: \(text.prefix(5))") }
                    return (id, n)
                },
                handle: { consumed, connection in
                    guard consumed.event >= 0 else { throw Failure() }
                    try await connection.execute("insert into applied (n) values (\(consumed.event))")
                },
                onDeadLetter: { id, _, _ in parked.withLock { $0.append(id) } })
            let running = Task { try await consumer.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let rows = try await pool.query("select next_offset from consumer_offsets where topic = \(topic)")
                if let next = try rows.first?.decode("next_offset", as: Int64.self), next == 5 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            running.cancel()
            _ = try? await running.value

            let applied = try await pool.query("select n from applied order by n").map { try $0.decode("n", as: Int.self) }
            #expect(applied == [1, 2])
            let letters = try await pool.query("""
                select "offset", event_id, sent_as, size, sha256, reason from dead_letters order by "offset"
                """)
            #expect(try letters.map { try $0.decode("offset", as: Int64.self) } == [1, 2, 3])
            #expect(try letters.map { try $0.decode("sent_as", as: String.self) } == ["record", "summary", "record"])
            #expect(try letters[1].decode("size", as: Int.self) > 1_200_000)
            #expect(try letters[2].decode("reason", as: String.self).hasPrefix("handler failed"))
            // Every dead letter with an event id is handed to onDeadLetter (the services park their own events there).
            #expect(parked.withLock { $0 } == [ids[1], ids[2], ids[3]])

            let dlq = try await BrokerAndDatabase.read(deadLetterTopic, count: 3, logger: logger)
            #expect(dlq.count == 3)
            #expect(dlq[0].value == Array("bad".utf8))
            #expect(dlq[0].headers.contains { $0.key == "dlq_source" && String(decoding: $0.value, as: UTF8.self) == "\(topic)/0/1" })
            #expect(dlq[1].headers.contains { $0.key == "dlq_summary" })
            let summary = try JSONSerialization.jsonObject(with: Data(dlq[1].value)) as? [String: Any]
            #expect(summary?["sha256"] as? String == (try letters[1].decode("sha256", as: String.self)))
            #expect(summary?["offset"] as? Int == 2)
            #expect((summary?["firstBytes"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 2048)
            let statuses = await progress.statuses
            #expect(statuses.first?.deadLettered == 3)
            #expect(statuses.first?.state == "stopped")
        }
    }
}

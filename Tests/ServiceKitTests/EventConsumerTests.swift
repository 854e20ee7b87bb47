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
            #expect(statuses.first?.state == .stopped)
        }
    }

    /// A burst of records already on the topic is applied in a few transactions, not one per record; a record the
    /// handler refuses in the middle of a burst is dead-lettered alone while the others of its transaction are
    /// applied; a record the log holds twice within one burst is applied once; and consuming the same records
    /// again (stored offsets lost) applies none of them twice. The same with a run handler (one statement per run),
    /// which the refused record makes fail: its run is then applied one event at a time.
    @Test(arguments: [false, true]) func burstsShareTransactionsAndStayExactlyOnce(runHandler: Bool) async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, producer, topic in
            let deadLetterTopic = topic + "-dlq"
            let kafka = KafkaConfig.fromEnvironment(clientId: "servicekit-tests")
            try await KafkaAdmin.createTopics([.init(name: deadLetterTopic, partitions: 1)], config: kafka, logger: logger)
            try await pool.execute("create table applied (n int primary key, tx bigint not null, times int not null default 1)")
            let count = 600, failing = 250
            let ids = (0..<count).map { _ in UUID() }
            // Records 10 and 20 are on the log twice, right after themselves (republished), so in one burst.
            let order = Array(0...10) + [10] + Array(11...20) + [20] + Array(21..<count)
            let messages = order.map { n in
                KafkaOutgoingMessage(topic: topic, key: Array("k\(n % 7)".utf8), value: Array((n == failing ? "fail" : "ok:\(n)").utf8),
                                     headers: [KafkaHeader(key: "ce_id", string: ids[n].uuidString.lowercased())])
            }
            _ = try await producer.sendAll(messages)
            let records = order.count, failingOffset = Int64(order.firstIndex(of: failing)!)

            let runsHandled = Mutex(0)
            let handleRun: EventConsumer<Int>.HandleRun = { run, connection in
                guard run.allSatisfy({ $0.event >= 0 }) else { throw Failure() }
                try await connection.execute("""
                    insert into applied (n, tx) select n, txid_current() from unnest(\(run.map(\.event))::int8[]) as n
                    on conflict (n) do update set times = applied.times + 1
                    """)
                runsHandled.withLock { $0 += 1 }
            }
            func consumeAll() async throws {
                let consumer = EventConsumer<Int>(
                    name: "burst", topics: [topic], pool: pool, kafka: kafka,
                    producer: producer, deadLetterTopic: deadLetterTopic, progress: ConsumerProgress(), logger: logger,
                    decode: { message throws(DeadLetterReason) in
                        let text = String(decoding: message.value, as: UTF8.self)
                        let id = UUID(uuidString: String(decoding: message.headers[0].value, as: UTF8.self))!
                        return (id, text == "fail" ? -1 : Int(text.dropFirst(3))!)
                    },
                    handle: { consumed, connection in
                        guard consumed.event >= 0 else { throw Failure() }
                        // Counts applications: a second one would not fail, it would show.
                        try await connection.execute("""
                            insert into applied (n, tx) values (\(consumed.event), txid_current())
                            on conflict (n) do update set times = applied.times + 1
                            """)
                    },
                    handleRun: runHandler ? handleRun : nil)
                let running = Task { try await consumer.run() }
                let deadline = ContinuousClock.now + .seconds(60)
                var next: Int64 = 0
                while ContinuousClock.now < deadline {
                    let rows = try await pool.query("select next_offset from consumer_offsets where topic = \(topic)")
                    next = try rows.first?.decode("next_offset", as: Int64.self) ?? 0
                    if next == Int64(records) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                running.cancel()
                _ = try? await running.value
                #expect(next == Int64(records), "the consumer reached offset \(next) of \(records) within 60 s")
            }

            try await consumeAll()
            let applied = try await pool.query("select n from applied order by n").map { try $0.decode("n", as: Int.self) }
            #expect(applied == (0..<count).filter { $0 != failing })
            let transactions = try await pool.query("select count(distinct tx) as n from applied").first!.decode("n", as: Int.self)
            #expect(transactions <= count / 10, "\(count - 1) events were applied in \(transactions) transactions")
            let letters = try await pool.query(#"select "offset", reason from dead_letters"#)
            #expect(try letters.map { try $0.decode("offset", as: Int64.self) } == [failingOffset])
            // The second copies were skipped, not applied again.
            let twice = try await pool.query("select n from applied where times > 1 order by n").map { try $0.decode("n", as: Int.self) }
            #expect(twice == [])
            if runHandler { #expect(runsHandled.withLock { $0 } > 0, "the run handler applied whole runs") }

            // The stored offsets are lost: every record comes again, and none is applied twice; the refused one is
            // refused again.
            try await pool.execute("delete from consumer_offsets")
            try await consumeAll()
            let again = try await pool.query("select count(*) as n from applied where times = 1").first!.decode("n", as: Int.self)
            #expect(again == count - 1)
            let lettersAgain = try await pool.query("select count(*) as n from dead_letters").first!.decode("n", as: Int.self)
            #expect(lettersAgain == 2, "the refused record is refused again, nothing else")
        }
    }

    /// A stored offset at the true end of a partition whose last batch held several records starts consuming, even
    /// on a broker that under-reports that end (Tansu 0.6 reports start-of-batch + 1); a stored offset past the end
    /// of the log stops the consumer with `offsetsBeyondLog`.
    @Test func endOfLogIsCheckedAgainstTheLogItself() async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, _, topic in
            var batching = KafkaConfig.fromEnvironment(clientId: "servicekit-tests-batching")
            batching.extra["batch.num.messages"] = "10000"
            batching.extra["linger.ms"] = "50"
            let producer = try KafkaProducer.make(config: batching, logger: logger)
            _ = try await producer.sendAll((0..<50).map { n in
                KafkaOutgoingMessage(topic: topic, key: nil, value: Array("\(n)".utf8),
                                     headers: [KafkaHeader(key: "ce_id", string: UUID().uuidString.lowercased())])
            })
            await producer.shutdown()
            let kafka = KafkaConfig.fromEnvironment(clientId: "servicekit-tests")
            let reported = try await KafkaAdmin.watermarks(topic: topic, partition: 0, config: kafka).high
            logger.info("reported end \(reported) of a 50-record partition")

            func startState(storedNext: Int64) async throws -> ConsumerProgress.ConsumerStatus.Phase? {
                try await pool.execute("delete from consumer_offsets")
                try await pool.execute("insert into consumer_offsets (topic, partition, next_offset) values (\(topic), 0, \(storedNext))")
                let progress = ConsumerProgress()
                let consumer = EventConsumer<Int>(
                    name: "end", topics: [topic], pool: pool, kafka: kafka, producer: try KafkaProducer.make(config: kafka, logger: logger),
                    deadLetterTopic: topic, progress: progress, logger: logger,
                    decode: { message throws(DeadLetterReason) in (UUID(), 0) }, handle: { _, _ in })
                let running = Task { try await consumer.run() }
                let deadline = ContinuousClock.now + .seconds(20)
                var state: ConsumerProgress.ConsumerStatus.Phase?
                while ContinuousClock.now < deadline {
                    state = await progress.statuses.first?.state
                    if state == .running || state == .offsetsBeyondLog { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                running.cancel()
                _ = try? await running.value
                return state
            }
            #expect(try await startState(storedNext: 50) == .running)
            #expect(try await startState(storedNext: 51) == .offsetsBeyondLog)
            #expect(try await startState(storedNext: 80) == .offsetsBeyondLog)
        }
    }

    /// On a read-back topic, a record byte for byte equal to one of our outbox rows is confirmed without being
    /// decoded; a record with our event id but other bytes, and a stranger's record, are decoded (here: refused and
    /// dead-lettered) as on any other topic.
    @Test func ownRecordsReadBackAreConfirmedWithoutDecoding() async throws {
        try await BrokerAndDatabase.withFixture(logger: logger) { pool, producer, topic in
            let deadLetterTopic = topic + "-dlq"
            try await KafkaAdmin.createTopics([.init(name: deadLetterTopic, partitions: 1)],
                                              config: .fromEnvironment(clientId: "servicekit-tests"), logger: logger)
            let ids = (0..<4).map { _ in UUID() }
            let records = (0..<3).map { n in
                OutboxRecord(eventID: ids[n], topic: topic, key: "k", headers: ["ce_id": ids[n].uuidString.lowercased()],
                             value: Array("{\"n\":\(n)}".utf8))
            }
            try await pool.withTransaction { try await Outbox.append(records, on: $0) }
            func message(_ id: UUID, _ value: String) -> KafkaOutgoingMessage {
                KafkaOutgoingMessage(topic: topic, key: Array("k".utf8), value: Array(value.utf8),
                                     headers: [KafkaHeader(key: "ce_id", string: id.uuidString.lowercased())])
            }
            _ = try await producer.sendAll([message(ids[0], "{\"n\":0}"), message(ids[1], "{\"n\":1}"),
                                            message(ids[2], "{\"n\":2, \"altered\":true}"), message(ids[3], "{\"n\":3}")])
            let decoded = Mutex<[UUID]>([])
            let committed = Mutex<[UUID]>([])
            let consumer = EventConsumer<Int>(
                name: "read-back", topics: [topic], pool: pool, kafka: .fromEnvironment(clientId: "servicekit-tests"),
                producer: producer, deadLetterTopic: deadLetterTopic, progress: ConsumerProgress(), logger: logger, readBackTopics: [topic],
                decode: { message throws(DeadLetterReason) in
                    let id = UUID(uuidString: String(decoding: message.headers[0].value, as: UTF8.self))!
                    decoded.withLock { $0.append(id) }
                    throw DeadLetterReason("not signed by us")
                },
                handle: { _, _ in Issue.record("nothing is handled on a read-back topic") },
                afterCommit: { id in committed.withLock { $0.append(id) } })
            let running = Task { try await consumer.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let rows = try await pool.query("select next_offset from consumer_offsets where topic = \(topic)")
                if let next = try rows.first?.decode("next_offset", as: Int64.self), next == 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            running.cancel()
            _ = try? await running.value
            #expect(decoded.withLock { $0 } == [ids[2], ids[3]])
            #expect(committed.withLock { $0 } == [ids[0], ids[1]])
            let confirmed = try await pool.query("select event_id from outbox where confirmed order by seq").map { try $0.decode("event_id", as: UUID.self) }
            #expect(confirmed == [ids[0], ids[1]])
            let letters = try await pool.query(#"select "offset" from dead_letters where topic = \#(topic) order by "offset""#)
            #expect(try letters.map { try $0.decode("offset", as: Int64.self) } == [2, 3])
        }
    }
}

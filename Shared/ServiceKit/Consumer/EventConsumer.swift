import Crypto
import Foundation
import Logging
import ServiceLifecycle
import WangqianKafka
import WangqianPostgres

/// Why a record cannot be processed; it goes to the dead-letter topic with this reason.
public struct DeadLetterReason: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A consumed record once decoded: its event id (CloudEvents `ce_id`) and the event.
public struct ConsumedEvent<Event: Sendable>: Sendable {
    public var id: UUID
    public var event: Event
    public var topic: String
    public var partition: Int32
    public var offset: Int64
}

/// Consumes topics from offsets kept in PostgreSQL and applies each event exactly once.
///
/// For each record, in ONE transaction: the event id is recorded (a duplicate is skipped), the handler updates
/// the projection, and the next offset is stored. After a crash the consumer resumes at the stored offsets, so
/// nothing is lost and nothing is applied twice.
///
/// No record can stop it: one that cannot be decoded, or that the handler keeps refusing with a non-retriable
/// error, is kept in the `dead_letters` table and sent to the dead-letter topic (as it is, or as a bounded
/// summary when it cannot be sent as it is), and the offset moves on. A failure it cannot get past (the database
/// or the broker is down) is retried with back-off and shown in ``ConsumerProgress``, never a crash.
public final class EventConsumer<Event: Sendable>: Service, Sendable {
    public typealias Decode = @Sendable (KafkaMessage) throws(DeadLetterReason) -> (id: UUID, event: Event)
    public typealias Handle = @Sendable (ConsumedEvent<Event>, PostgresConnection) async throws -> Void
    /// Optional, for speed: does what `handle` does, for several events at once and in order (one statement for
    /// a burst such as a roster import). When it throws, the run is applied again with `handle`, event by event.
    public typealias HandleRun = @Sendable ([ConsumedEvent<Event>], PostgresConnection) async throws -> Void
    /// Called after commit with the event id of each record applied (or, read back, confirmed).
    public typealias AfterCommit = @Sendable (UUID) async -> Void
    /// Called after a record with this event id was dead-lettered (in its transaction, then after commit).
    public typealias OnDeadLetter = @Sendable (UUID, String, PostgresConnection) async throws -> Void
    public typealias AfterDeadLetter = @Sendable (UUID) async -> Void

    private let name: String
    private let topics: [String]
    private let pool: PostgresPool
    private let kafka: KafkaConfig
    private let producer: KafkaProducer
    private let deadLetterTopic: String
    private let logger: Logger
    private let decode: Decode
    private let handle: Handle
    private let handleRun: HandleRun?
    private let afterCommit: AfterCommit
    private let onDeadLetter: OnDeadLetter
    private let afterDeadLetter: AfterDeadLetter
    private let progress: ConsumerProgress
    private let readBackTopics: Set<String>

    /// A record larger than this is dead-lettered as a summary: the broker's default limit is 1,000,000 bytes.
    static var maxDeadLetterBytes: Int { 900_000 }
    /// How much of a record's value a summary and the `dead_letters` table keep.
    static var keptPrefixBytes: Int { 2048 }

    public static var migrations: [PostgresMigration] {
        [PostgresMigration(version: 2, name: "consumer offsets and processed events", sql: """
            create table consumer_offsets (
                topic text not null,
                partition int not null,
                next_offset bigint not null,
                updated_at timestamptz not null default now(),
                primary key (topic, partition)
            );
            create table processed_events (
                event_id uuid primary key,
                topic text not null,
                partition int not null,
                "offset" bigint not null,
                processed_at timestamptz not null default now()
            );
            """),
         PostgresMigration(version: 5, name: "dead letters", sql: """
            create table dead_letters (
                id bigserial primary key,
                consumer text not null,
                topic text not null,
                partition int not null,
                "offset" bigint not null,
                event_id uuid,
                reason text not null,
                size int not null,
                sha256 text not null,
                headers jsonb not null,
                first_bytes bytea not null,
                sent_as text not null,
                created_at timestamptz not null default now()
            );
            """)]
    }

    public init(
        name: String, topics: [String], pool: PostgresPool, kafka: KafkaConfig, producer: KafkaProducer,
        deadLetterTopic: String, progress: ConsumerProgress, logger: Logger, readBackTopics: Set<String> = [],
        decode: @escaping Decode, handle: @escaping Handle, handleRun: HandleRun? = nil, afterCommit: @escaping AfterCommit = { _ in },
        onDeadLetter: @escaping OnDeadLetter = { _, _, _ in }, afterDeadLetter: @escaping AfterDeadLetter = { _ in }
    ) {
        self.name = name
        self.topics = topics
        self.pool = pool
        self.kafka = kafka
        self.producer = producer
        self.deadLetterTopic = deadLetterTopic
        self.progress = progress
        self.readBackTopics = readBackTopics
        self.logger = logger
        self.decode = decode
        self.handle = handle
        self.handleRun = handleRun
        self.afterCommit = afterCommit
        self.onDeadLetter = onDeadLetter
        self.afterDeadLetter = afterDeadLetter
    }

    /// Runs until shutdown. Whatever fails is retried from the stored offsets after a back-off.
    public func run() async throws {
        await progress.register(name)
        var backoff = Duration.milliseconds(500)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await consume()
                backoff = .milliseconds(500)
            } catch is CancellationError {
                break
            } catch let beyond as OffsetsBeyondLog {
                await progress.set(name, .offsetsBeyondLog(details: beyond.details))
                logger.error("stored offsets lie beyond the end of the log: the broker no longer has records this service applied; new events are not consumed until this is resolved",
                             metadata: ["consumer": "\(name)", "details": "\(beyond.details.joined(separator: "; "))"])
                backoff = .seconds(5)
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                await progress.set(name, .retrying(reason: "\(error)"))
                logger.warning("consumer failed; retrying from the stored offsets",
                               metadata: ["consumer": "\(name)", "error": "\(error)", "retry.in": "\(backoff)"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(10))
        }
        await progress.set(name, .stopped)
    }

    struct OffsetsBeyondLog: Error { var details: [String] }

    private func consume() async throws {
        let start = try await startingOffsets()
        try await checkWithinLog(start)
        logger.info("consumer starting", metadata: ["consumer": "\(name)", "partitions": "\(start.count)"])
        // A short broker-side fetch wait: it bounds how long the other party waits to see a command.
        var kafka = self.kafka
        kafka.extra["fetch.wait.max.ms"] = kafka.extra["fetch.wait.max.ms"] ?? "50"
        let consumer = try KafkaConsumer.assign(start, config: kafka, logger: logger)
        await progress.set(name, .running)
        do {
            try await withTaskCancellationOrGracefulShutdownHandler {
                var messages = consumer.messages.makeAsyncIterator()
                while true {
                    let batch = try await messages.nextBatch(maxCount: Self.maxBatch)
                    if batch.isEmpty { break }
                    try await self.process(batch)
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                }
            } onCancelOrGracefulShutdown: {
                Task { await consumer.close() }
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        if !Task.isCancelled && !Task.isShuttingDownGracefully {
            throw KafkaError(.closed, "the consumer's message stream ended")
        }
    }

    /// Stored offsets, or the beginning of every partition never consumed.
    private func startingOffsets() async throws -> [KafkaTopicPartitionOffset] {
        let stored = try await pool.query("select topic, partition, next_offset from consumer_offsets where topic = any(\(topics)::text[])")
        var known: [KafkaTopicPartition: Int64] = [:]
        for row in stored {
            known[KafkaTopicPartition(topic: try row.decode("topic"), partition: Int32(try row.decode("partition", as: Int.self)))] =
                try row.decode("next_offset", as: Int64.self)
        }
        var result: [KafkaTopicPartitionOffset] = []
        for topic in topics {
            let count = try await KafkaAdmin.partitionCount(topic: topic, config: kafka)
            for p in 0..<count {
                let tp = KafkaTopicPartition(topic: topic, partition: p)
                result.append(KafkaTopicPartitionOffset(topic: topic, partition: p, offset: known[tp] ?? KafkaOffset.beginning))
            }
        }
        return result
    }

    /// A stored offset past a partition's end means the broker lost records (an in-memory broker restarted):
    /// consuming on would silently skip the next events, so say so instead.
    ///
    /// The end the broker reports is trusted only when it confirms the stored offset. Below it, the last record
    /// applied is looked for in the log: a broker may under-report its end (Tansu 0.6 does after a batch of
    /// several records), and only a log that lacks that record has really lost it.
    private func checkWithinLog(_ start: [KafkaTopicPartitionOffset]) async throws {
        var beyond: [String] = []
        for tp in start where tp.offset > 0 {
            let marks = try await KafkaAdmin.watermarks(topic: tp.topic, partition: tp.partition, config: kafka)
            if tp.offset > marks.high, try await !logHolds(offset: tp.offset - 1, of: tp) {
                beyond.append("\(tp.topic)[\(tp.partition)] stored \(tp.offset) > end \(marks.high)")
            }
        }
        if !beyond.isEmpty { throw OffsetsBeyondLog(details: beyond) }
    }

    /// Whether the partition still holds the record at `offset` (a fetch from there returns it within 5 s).
    private func logHolds(offset: Int64, of tp: KafkaTopicPartitionOffset) async throws -> Bool {
        var kafka = self.kafka
        kafka.extra["auto.offset.reset"] = "earliest"  // an offset no longer in the log reads from its start instead
        let probe = try KafkaConsumer.assign([KafkaTopicPartitionOffset(topic: tp.topic, partition: tp.partition, offset: offset)],
                                             config: kafka, logger: logger)
        let timeout = Task {
            try await Task.sleep(for: .seconds(5))
            await probe.close()
        }
        defer { timeout.cancel() }
        var messages = probe.messages.makeAsyncIterator()
        let first = try await messages.next()
        await probe.close()
        return first?.offset == offset
    }

    /// Records already received are applied together, up to this many per transaction: one commit (one WAL
    /// flush) for a burst such as a roster import instead of one per record.
    static var maxBatch: Int { 200 }

    /// A record to apply: its event, or (`event` nil) one of our own records read back, only to be confirmed.
    private struct Received {
        var message: KafkaMessage
        var id: UUID
        var event: ConsumedEvent<Event>?
    }

    /// Applies received records in order: each decodable run in one transaction, each undecodable record
    /// dead-lettered in its place. Throws only when cancelled.
    private func process(_ batch: [KafkaMessage]) async throws {
        let own = await ownRecords(in: batch)
        var run: [Received] = []
        for (index, message) in batch.enumerated() {
            if let id = own[index] {
                run.append(Received(message: message, id: id, event: nil))
                continue
            }
            // Decoding verifies a signature: let the service's other work (HTTP, the other consumer) in between.
            await Task.yield()
            do {
                let decoded = try decode(message)
                run.append(Received(message: message, id: decoded.id, event: ConsumedEvent(
                    id: decoded.id, event: decoded.event, topic: message.topic, partition: message.partition, offset: message.offset)))
            } catch {
                try await apply(run)
                run = []
                try await deadLetter(message, reason: error.reason, eventID: Self.eventID(of: message))
            }
        }
        try await apply(run)
    }

    /// On a read-back topic (one this service writes and applies nothing from), the records that are byte for byte
    /// one of its outbox rows: they need no decoding, nor a signature check (these are the bytes it signed), only
    /// confirming. Any other record there is decoded, checked and dead-lettered as usual. By index in `batch`.
    private func ownRecords(in batch: [KafkaMessage]) async -> [Int: UUID] {
        guard !readBackTopics.isEmpty else { return [:] }
        var candidates: [UUID: Int] = [:]
        for (index, message) in batch.enumerated() where readBackTopics.contains(message.topic) {
            if let id = Self.eventID(of: message) { candidates[id] = index }
        }
        guard !candidates.isEmpty,
              let rows = try? await pool.query("select event_id, value from outbox where event_id = any(\(Array(candidates.keys))::uuid[])")
        else { return [:] }
        var own: [Int: UUID] = [:]
        for row in rows {
            guard let id = try? row.decode("event_id", as: UUID.self), let index = candidates[id],
                  let value = try? row.decode("value", as: [UInt8].self), value == batch[index].value else { continue }
            own[index] = id
        }
        return own
    }

    /// Several records in one transaction. If the handler refuses one of them (other than because the database
    /// is away), those before it are applied together, it is applied on its own (retried, perhaps dead-lettered),
    /// and those after it go on together.
    private func apply(_ run: [Received]) async throws {
        guard run.count > 1 else {
            if let one = run.first { try await applyAlone(one) }
            return
        }
        var backoff = Duration.milliseconds(50)
        var whole = handleRun != nil
        while true {
            do {
                try await applyInOneTransaction(run, whole: whole)
                return
            } catch let failed as FailedInBatch where !failed.databaseAway {
                logger.info("an event failed in a batch; applying it on its own",
                            metadata: ["consumer": "\(name)", "event.id": "\(run[failed.index].id)", "error": "\(failed.error)"])
                try await apply(Array(run[..<failed.index]))
                try await applyAlone(run[failed.index])
                try await apply(Array(run[(failed.index + 1)...]))
                return
            } catch let error where Self.databaseAway(error) {
                await progress.set(name, .retrying(reason: "database unavailable: \(error)"))
                logger.warning("database unavailable while applying events; retrying", metadata: ["error": "\(error)"])
            } catch where whole {
                // The run handler names no event: the same run again, event by event, finds the one that fails.
                logger.info("a run of events failed; applying it event by event",
                            metadata: ["consumer": "\(name)", "events": "\(run.count)", "error": "\(error)"])
                whole = false
                continue
            } catch {
                logger.info("a batch of events failed; applying them one by one",
                            metadata: ["consumer": "\(name)", "events": "\(run.count)", "error": "\(error)"])
                for received in run { try await applyAlone(received) }
                return
            }
            if Task.isCancelled { throw CancellationError() }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// The event at `index` of a batch failed with `error`; the transaction was rolled back.
    private struct FailedInBatch: Error {
        var index: Int
        var error: any Error
        var databaseAway: Bool { EventConsumer.databaseAway(error) }
    }

    private static func databaseAway(_ error: any Error) -> Bool {
        let error = (error as? FailedInBatch)?.error ?? error
        return (error as? PostgresError)?.isRetriable ?? false
    }

    /// One record, retried while the database is away; dead-lettered after the handler refused it three times.
    private func applyAlone(_ received: Received) async throws {
        var failures = 0
        var backoff = Duration.milliseconds(50)
        while true {
            do {
                try await applyInOneTransaction([received])
                return
            } catch let error where Self.databaseAway(error) {
                await progress.set(name, .retrying(reason: "database unavailable: \(error)"))
                logger.warning("database unavailable while applying an event; retrying", metadata: ["error": "\(error)"])
            } catch {
                let cause = (error as? FailedInBatch)?.error ?? error
                failures += 1
                logger.error("applying an event failed", metadata: ["event.id": "\(received.id)", "error": "\(cause)", "attempt": "\(failures)"])
                if failures >= 3 {
                    try await deadLetter(received.message, reason: "handler failed: \(cause)", eventID: received.id)
                    return
                }
            }
            if Task.isCancelled { throw CancellationError() }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    /// In ONE transaction: each event id recorded (a duplicate skipped), each event handled, its outbox row
    /// confirmed, and the next offset of every partition stored. Then the commit is reported.
    private func applyInOneTransaction(_ run: [Received], whole: Bool = false) async throws {
        try await pool.withTransaction { connection in
            var next: [KafkaTopicPartition: Int64] = [:]
            var fresh = try await Self.record(run.compactMap(\.event), on: connection)
            var toApply: [(index: Int, event: ConsumedEvent<Event>)] = []
            for (index, received) in run.enumerated() {
                let message = received.message
                next[message.topicPartition] = message.offset + 1
                guard let consumed = received.event else { continue }  // ours, read back: only confirmed
                // Handled once: a record the log holds twice (republished) may come twice in one run.
                guard fresh.remove(consumed.id) != nil else {
                    self.logger.debug("duplicate event skipped", metadata: ["event.id": "\(consumed.id)"])
                    continue
                }
                toApply.append((index, consumed))
            }
            if whole, let handleRun = self.handleRun, toApply.count > 1 {
                try await handleRun(toApply.map(\.event), connection)
            } else {
                for (index, consumed) in toApply {
                    do {
                        try await self.handle(consumed, connection)
                    } catch {
                        throw FailedInBatch(index: index, error: error)
                    }
                }
            }
            try await Outbox.confirm(run.map(\.id), on: connection)
            for (tp, offset) in next { try await Self.storeOffset(tp, next: offset, on: connection) }
        }
        for received in run {
            await progress.applied(name, topic: received.message.topic, partition: received.message.partition, offset: received.message.offset)
            await afterCommit(received.id)
        }
    }

    /// Records the run's event ids as processed, in one statement; answers those not processed before.
    private static func record(_ events: [ConsumedEvent<Event>], on connection: PostgresConnection) async throws -> Set<UUID> {
        guard !events.isEmpty else { return [] }
        let rows = try await connection.query("""
            insert into processed_events (event_id, topic, partition, "offset")
            select id, topic, partition::int, "offset"
            from unnest(\(events.map(\.id))::uuid[], \(events.map(\.topic))::text[], \(events.map { Int($0.partition) })::int8[],
                        \(events.map { Int($0.offset) })::int8[]) as run(id, topic, partition, "offset")
            on conflict (event_id) do nothing
            returning event_id
            """)
        return Set(try rows.map { try $0.decode("event_id", as: UUID.self) })
    }

    private static func eventID(of message: KafkaMessage) -> UUID? {
        message.headers.first { $0.key == "ce_id" }.flatMap { String(validating: $0.value, as: UTF8.self) }.flatMap(UUID.init(uuidString:))
    }

    private static func storeOffset(_ tp: KafkaTopicPartition, next: Int64, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            insert into consumer_offsets (topic, partition, next_offset) values (\(tp.topic), \(Int(tp.partition)), \(next))
            on conflict (topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()
            """)
    }

    /// Sends the record to the dead-letter topic (as it is, or as a summary), then records it and moves the offset
    /// on in one transaction. Throws only when cancelled.
    private func deadLetter(_ message: KafkaMessage, reason: String, eventID: UUID?) async throws {
        let reason = String(reason.prefix(1000)).replacingOccurrences(of: "\0", with: "\u{FFFD}")
        let sha = SHA256.hash(data: message.value).map { String(format: "%02x", $0) }.joined()
        let size = message.value.count + (message.key?.count ?? 0) + message.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.count }
        logger.warning("record sent to the dead-letter topic", metadata: [
            "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)",
            "size": "\(size)", "reason": "\(reason.prefix(300))"])
        let coordinates = "\(message.topic)/\(message.partition)/\(message.offset)"
        var dlqHeaders = [
            KafkaHeader(key: "dlq_reason", string: reason),
            KafkaHeader(key: "dlq_consumer", string: name),
            KafkaHeader(key: "dlq_source", string: coordinates),
        ]
        var sentAs = "none"
        if size <= Self.maxDeadLetterBytes {
            do {
                _ = try await producer.send(KafkaOutgoingMessage(
                    topic: deadLetterTopic, key: message.key, value: message.value, headers: message.headers + dlqHeaders))
                sentAs = "record"
            } catch {
                logger.warning("the record could not be dead-lettered as it is; sending a summary", metadata: ["error": "\(error)"])
            }
        }
        if sentAs == "none" {
            dlqHeaders.append(KafkaHeader(key: "dlq_summary", string: "true"))
            let summary = Summary(source: coordinates, topic: message.topic, partition: message.partition, offset: message.offset,
                                  reason: reason, size: size, sha256: sha,
                                  headers: Self.boundedHeaders(message.headers),
                                  firstBytes: Data(message.value.prefix(Self.keptPrefixBytes)).base64EncodedString())
            do {
                _ = try await producer.send(KafkaOutgoingMessage(
                    topic: deadLetterTopic, key: message.key.map { Array($0.prefix(256)) },
                    value: Array((try? JSONEncoder().encode(summary)) ?? Data()), headers: dlqHeaders))
                sentAs = "summary"
            } catch {
                logger.error("the dead-letter summary could not be sent either; the record is kept in the dead_letters table",
                             metadata: ["error": "\(error)"])
            }
        }
        var backoff = Duration.milliseconds(100)
        var failures = 0
        while true {
            do {
                let keep = failures < 3
                try await pool.withTransaction { connection in
                    if keep { try await connection.execute("""
                        insert into dead_letters (consumer, topic, partition, "offset", event_id, reason, size, sha256, headers, first_bytes, sent_as)
                        values (\(self.name), \(message.topic), \(Int(message.partition)), \(message.offset), \(eventID), \(reason),
                                \(size), \(sha), \(PostgresJSON(Self.boundedHeaders(message.headers))),
                                \(Array(message.value.prefix(Self.keptPrefixBytes))), \(sentAs))
                        """) }
                    if let eventID { try await self.onDeadLetter(eventID, reason, connection) }
                    try await Self.storeOffset(message.topicPartition, next: message.offset + 1, on: connection)
                }
                break
            } catch {
                if !((error as? PostgresError)?.isRetriable ?? false) { failures += 1 }
                await progress.set(name, .retrying(reason: "recording a dead letter: \(error)"))
                logger.warning("could not record a dead letter; retrying", metadata: ["error": "\(error)"])
                if Task.isCancelled { throw CancellationError() }
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
        await progress.deadLettered(name)
        await progress.applied(name, topic: message.topic, partition: message.partition, offset: message.offset)
        if let eventID { await afterDeadLetter(eventID) }
    }

    /// What a dead-letter summary says of a record that could not be sent as it is.
    struct Summary: Encodable {
        var source: String
        var topic: String
        var partition: Int32
        var offset: Int64
        var reason: String
        var size: Int
        var sha256: String
        var headers: [String: String]
        var firstBytes: String
    }

    /// Headers as text, each name and value cut to a bounded length, at most 32 of them.
    static func boundedHeaders(_ headers: [KafkaHeader]) -> [String: String] {
        var result: [String: String] = [:]
        for h in headers.prefix(32) {
            let value = String(decoding: h.value.prefix(512), as: UTF8.self).replacingOccurrences(of: "\0", with: "\u{FFFD}")
            result[String(h.key.prefix(64)).replacingOccurrences(of: "\0", with: "\u{FFFD}")] = value
        }
        return result
    }
}

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
/// nothing is lost and nothing is applied twice. A record that cannot be decoded, or that the handler keeps
/// refusing with a non-retriable error, is sent to the dead-letter topic and the consumer goes on.
public final class EventConsumer<Event: Sendable>: Service, Sendable {
    public typealias Decode = @Sendable (KafkaMessage) throws(DeadLetterReason) -> (id: UUID, event: Event)
    public typealias Handle = @Sendable (ConsumedEvent<Event>, PostgresConnection) async throws -> Void
    public typealias AfterCommit = @Sendable (ConsumedEvent<Event>) async -> Void

    private let name: String
    private let topics: [String]
    private let pool: PostgresPool
    private let kafka: KafkaConfig
    private let producer: KafkaProducer
    private let deadLetterTopic: String
    private let logger: Logger
    private let decode: Decode
    private let handle: Handle
    private let afterCommit: AfterCommit
    private let progress: ConsumerProgress

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
            """)]
    }

    public init(
        name: String, topics: [String], pool: PostgresPool, kafka: KafkaConfig, producer: KafkaProducer,
        deadLetterTopic: String, progress: ConsumerProgress, logger: Logger,
        decode: @escaping Decode, handle: @escaping Handle, afterCommit: @escaping AfterCommit = { _ in }
    ) {
        self.name = name
        self.topics = topics
        self.pool = pool
        self.kafka = kafka
        self.producer = producer
        self.deadLetterTopic = deadLetterTopic
        self.progress = progress
        self.logger = logger
        self.decode = decode
        self.handle = handle
        self.afterCommit = afterCommit
    }

    public func run() async throws {
        let start = try await startingOffsets()
        logger.info("consumer starting", metadata: ["consumer": "\(name)", "partitions": "\(start.count)"])
        // A short broker-side fetch wait: it bounds how long the other party waits to see a command.
        var kafka = self.kafka
        kafka.extra["fetch.wait.max.ms"] = kafka.extra["fetch.wait.max.ms"] ?? "50"
        let consumer = try KafkaConsumer.assign(start, config: kafka, logger: logger)
        await progress.started()
        try await withTaskCancellationOrGracefulShutdownHandler {
            for try await message in consumer.messages {
                try await self.process(message)
                if Task.isCancelled { break }
            }
        } onCancelOrGracefulShutdown: {
            Task { await consumer.close() }
        }
        await consumer.close()
    }

    /// Stored offsets, or the beginning of every partition never consumed.
    private func startingOffsets() async throws -> [KafkaTopicPartitionOffset] {
        let stored = try await pool.query("select topic, partition, next_offset from consumer_offsets")
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

    private func process(_ message: KafkaMessage) async throws {
        let decoded: (id: UUID, event: Event)
        do {
            decoded = try decode(message)
        } catch {
            try await deadLetter(message, reason: error.reason)
            try await storeOffset(message)
            return
        }
        let consumed = ConsumedEvent(id: decoded.id, event: decoded.event, topic: message.topic,
                                     partition: message.partition, offset: message.offset)
        var failures = 0
        var backoff = Duration.milliseconds(50)
        while true {
            do {
                try await pool.withTransaction { connection in
                    let fresh = try await connection.execute("""
                        insert into processed_events (event_id, topic, partition, "offset")
                        values (\(consumed.id), \(message.topic), \(Int(message.partition)), \(message.offset))
                        on conflict (event_id) do nothing
                        """)
                    if fresh == 1 {
                        try await self.handle(consumed, connection)
                    } else {
                        self.logger.debug("duplicate event skipped", metadata: ["event.id": "\(consumed.id)"])
                    }
                    try await Outbox.confirm(consumed.id, on: connection)
                    try await Self.storeOffset(message, on: connection)
                }
                await progress.applied(topic: message.topic, partition: message.partition, offset: message.offset)
                await afterCommit(consumed)
                return
            } catch let error as PostgresError where error.isRetriable {
                logger.warning("database unavailable while applying an event; retrying", metadata: ["error": "\(error)"])
            } catch {
                failures += 1
                logger.error("applying an event failed", metadata: ["event.id": "\(consumed.id)", "error": "\(error)", "attempt": "\(failures)"])
                if failures >= 3 {
                    try await deadLetter(message, reason: "handler failed: \(error)")
                    try await storeOffset(message)
                    return
                }
            }
            if Task.isCancelled { throw CancellationError() }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    private func storeOffset(_ message: KafkaMessage) async throws {
        try await pool.withConnection { connection in try await Self.storeOffset(message, on: connection) }
        await progress.applied(topic: message.topic, partition: message.partition, offset: message.offset)
    }

    private static func storeOffset(_ message: KafkaMessage, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            insert into consumer_offsets (topic, partition, next_offset) values (\(message.topic), \(Int(message.partition)), \(message.offset + 1))
            on conflict (topic, partition) do update set next_offset = excluded.next_offset, updated_at = now()
            """)
    }

    private func deadLetter(_ message: KafkaMessage, reason: String) async throws {
        logger.warning("record sent to the dead-letter topic", metadata: [
            "topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "reason": "\(reason)"])
        var headers = message.headers
        headers.append(KafkaHeader(key: "dlq_reason", string: reason))
        headers.append(KafkaHeader(key: "dlq_consumer", string: name))
        headers.append(KafkaHeader(key: "dlq_source", string: "\(message.topic)/\(message.partition)/\(message.offset)"))
        _ = try await producer.send(KafkaOutgoingMessage(
            topic: deadLetterTopic, key: message.key, value: message.value, headers: headers))
    }
}

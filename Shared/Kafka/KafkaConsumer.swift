import Crdkafka
import Foundation
import Logging

/// A consumer whose start offsets come from the application (which keeps them, e.g. in PostgreSQL):
/// nothing is committed to Kafka (`enable.auto.commit=false`). If a given offset no longer exists
/// (say, the topic was recreated), reading restarts at the beginning (`auto.offset.reset=earliest`).
///
/// A dedicated thread polls librdkafka (which also serves rebalances and logs) and hands messages to
/// `messages` through a buffer of `KafkaConfig.messageBufferCapacity` messages. While that buffer is
/// full the thread stops polling, so librdkafka's prefetch fills up to `queued.max.messages.kbytes` and
/// then fetching stops: memory stays bounded. In a group, a reader that takes no message for
/// `max.poll.interval.ms` (10 s) is considered stuck and loses its partitions, as with any Kafka client.
public final class KafkaConsumer: Sendable {
    let buffer: MessageBuffer
    private let client: RDKafkaClient
    private let poller: PollThread
    private let closeOnce = RunOnce()

    private init(client: RDKafkaClient, buffer: MessageBuffer, poller: PollThread) {
        self.client = client
        self.buffer = buffer
        self.poller = poller
    }

    static let consumerDefaults: [(String, String)] = [
        ("enable.auto.commit", "false"),
        ("enable.auto.offset.store", "false"),
        ("auto.offset.reset", "earliest"),
        ("enable.partition.eof", "false"),
    ]

    /// Reads exactly `partitions`, each from its given offset (or `KafkaOffset.beginning`/`.end`).
    /// Joins no group; starts at once.
    public static func assign(
        _ partitions: [KafkaTopicPartitionOffset], config: KafkaConfig, logger: Logger
    ) throws(KafkaError) -> KafkaConsumer {
        // librdkafka only assigns with a group id; this one is never joined and nothing is committed.
        let defaults = [("group.id", "\(config.clientId)-assign-only")] + consumerDefaults
        let consumer = try make(config: config, roleDefaults: defaults, logger: logger, group: nil)
        try consumer.client.withHandle { rk throws(KafkaError) in
            let list = makePartitionList(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_assign(rk, list)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(rdkafka: err, "assigning \(partitions)") }
        }
        consumer.startPolling(logger: logger)
        return consumer
    }

    /// Joins consumer group `groupID` for `topics`. On every assignment, `onAssign` is asked (on the poll
    /// thread, which waits for it) where to start each partition; no message of those partitions is
    /// delivered before it returns. Partitions it leaves out start at the group's committed offset, else
    /// at the beginning. If it throws, `messages` throws `.rebalanceFailed` and the consumer closes.
    /// `onRevoke` runs before partitions are taken away (also on `close()`); their messages still
    /// buffered are dropped.
    ///
    /// Rebalancing is eager (`partition.assignment.strategy=range,roundrobin`): every rebalance revokes
    /// all partitions and assigns anew. Choosing `cooperative-sticky` in `extra` works too: then only the
    /// partitions that move are revoked and assigned. Group timing defaults (`session.timeout.ms=6000`,
    /// `heartbeat.interval.ms=500`, `max.poll.interval.ms=10000`) make joins take seconds, not ~25 s, on
    /// Tansu; `extra` may override them.
    public static func subscribe(
        topics: [String], groupID: String, config: KafkaConfig, logger: Logger,
        onAssign: @escaping @Sendable ([KafkaTopicPartition]) async throws -> [KafkaTopicPartitionOffset],
        onRevoke: @escaping @Sendable ([KafkaTopicPartition]) async -> Void = { _ in }
    ) throws(KafkaError) -> KafkaConsumer {
        let defaults =
            [
                ("group.id", groupID),
                ("session.timeout.ms", "6000"),
                ("heartbeat.interval.ms", "500"),
                ("max.poll.interval.ms", "10000"),
                ("partition.assignment.strategy", "range,roundrobin"),
            ] + consumerDefaults
        let group = GroupCallbacks(onAssign: onAssign, onRevoke: onRevoke, logger: logger)
        let consumer = try make(config: config, roleDefaults: defaults, logger: logger, group: group)
        try consumer.client.withHandle { rk throws(KafkaError) in
            let list = makePartitionList(topics.map { KafkaTopicPartitionOffset(topic: $0, partition: -1, offset: 0) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_subscribe(rk, list)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(rdkafka: err, "subscribing to \(topics)") }
        }
        consumer.startPolling(logger: logger)
        return consumer
    }

    private static func make(
        config: KafkaConfig, roleDefaults: [(String, String)], logger: Logger, group: GroupCallbacks?
    ) throws(KafkaError) -> KafkaConsumer {
        try LibrdkafkaVersion.check()
        let poller = PollThread()
        let buffer = MessageBuffer(capacity: config.messageBufferCapacity)
        let events = RDKafkaEvents(
            logger: logger,
            rebalance: group.map { group -> RDKafkaEvents.Rebalance in
                { rk, err, list in group.rebalance(rk, err, list, buffer: buffer, poller: poller) }
            },
            fatal: { error in
                buffer.fail(error)
                poller.requestStop()
            })
        let client = try RDKafkaClient.make(
            RD_KAFKA_CONSUMER, properties: config.properties(roleDefaults: roleDefaults), events: events)
        return KafkaConsumer(client: client, buffer: buffer, poller: poller)
    }

    deinit {
        poller.requestStop()  // the thread then leaves the group and destroys the handle
        buffer.interruptWait()
        client.wakeConsumer()
    }

    /// The consumed messages (see `KafkaMessages`).
    public var messages: KafkaMessages { KafkaMessages(consumer: self) }

    /// Leaves the group cleanly (`onRevoke` runs), ends `messages`, and destroys the handle.
    /// Idempotent: later calls wait for the first one.
    public func close() async {
        let (poller, client, buffer) = (self.poller, self.client, self.buffer)
        await closeOnce.run {
            poller.requestStop()
            buffer.interruptWait()
            client.wakeConsumer()
            await onDedicatedThread("wangqian-kafka-consumer-close") { poller.join() }
        }
    }

    /// The partitions currently assigned to this consumer (`.closed` after `close()`).
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try client.withHandle { rk throws(KafkaError) in try currentAssignment(rk) }
    }

    private func startPolling(logger: Logger) {
        let (client, buffer) = (self.client, self.buffer)
        poller.start(name: "wangqian-kafka-consumer") { poller in
            while !poller.shouldStop {
                // Backpressure: take nothing more from librdkafka while the reader is behind.
                guard buffer.waitForRoom(timeout: .milliseconds(100)) else { continue }
                let goOn = (try? client.withHandle { rk in Self.pollOnce(rk, buffer: buffer, logger: logger) }) ?? false
                if !goOn { break }
            }
            // Leaving the group serves the final revocation (onRevoke) on this thread.
            let err = (try? client.withHandle { rk in rd_kafka_consumer_close(rk) }) ?? RD_KAFKA_RESP_ERR_NO_ERROR
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("Kafka consumer close: \(KafkaError(rdkafka: err, "rd_kafka_consumer_close"))")
            }
            buffer.finish()
            client.destroy()
        }
    }

    /// One poll: serves callbacks, and moves at most one message into the buffer. False to stop.
    private static func pollOnce(_ rk: OpaquePointer, buffer: MessageBuffer, logger: Logger) -> Bool {
        guard let message = rd_kafka_consumer_poll(rk, 100) else { return true }
        defer { rd_kafka_message_destroy(message) }
        let err = message.pointee.err
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            // Fatal errors also arrive through the error callback, which ends the consumer.
            if err != RD_KAFKA_RESP_ERR__PARTITION_EOF, err != RD_KAFKA_RESP_ERR__FATAL {
                let detail = String(decoding: bytes(message.pointee.payload, message.pointee.len), as: UTF8.self)
                logger.warning("Kafka consumer: \(KafkaError(rdkafka: err, "consuming", detail: detail))")
            }
            return true
        }
        buffer.push(KafkaMessage(copying: message))
        return true
    }
}

/// The group's rebalance handling, run by librdkafka on the poll thread.
private final class GroupCallbacks: Sendable {
    let onAssign: @Sendable ([KafkaTopicPartition]) async throws -> [KafkaTopicPartitionOffset]
    let onRevoke: @Sendable ([KafkaTopicPartition]) async -> Void
    let logger: Logger

    init(
        onAssign: @escaping @Sendable ([KafkaTopicPartition]) async throws -> [KafkaTopicPartitionOffset],
        onRevoke: @escaping @Sendable ([KafkaTopicPartition]) async -> Void, logger: Logger
    ) {
        self.onAssign = onAssign
        self.onRevoke = onRevoke
        self.logger = logger
    }

    func rebalance(
        _ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
        buffer: MessageBuffer, poller: PollThread
    ) {
        let partitions = topicPartitions(list)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            logger.info("Kafka consumer assigned \(describe(partitions))")
            let onAssign = self.onAssign
            let answer: Result<[KafkaTopicPartitionOffset], any Error> = waitForAsync {
                do { return .success(try await onAssign(partitions)) } catch { return .failure(error) }
            }
            switch answer {
            case .success(let offsets):
                var start: [KafkaTopicPartition: Int64] = [:]
                for offset in offsets { start[offset.topicPartition] = offset.offset }
                let unknown = Set(start.keys).subtracting(partitions)
                if !unknown.isEmpty {
                    logger.warning("Kafka onAssign returned offsets for unassigned \(describe(Array(unknown))); ignored")
                }
                let starts = partitions.map {
                    KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: start[$0] ?? -1000)  // -1000: committed
                }
                let assignList = makePartitionList(starts)
                defer { rd_kafka_topic_partition_list_destroy(assignList) }
                if cooperative {
                    if let error = rd_kafka_incremental_assign(rk, assignList) {
                        logger.error("Kafka incremental assign failed: \(String(cString: rd_kafka_error_string(error)))")
                        rd_kafka_error_destroy(error)
                    }
                } else {
                    let result = rd_kafka_assign(rk, assignList)
                    if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                        logger.error("Kafka assign failed: \(KafkaError(rdkafka: result, "assign"))")
                    }
                }
            case .failure(let error):
                let failure = KafkaError(
                    .rebalanceFailed, "onAssign threw for \(describe(partitions)): \(error); the consumer stops")
                logger.error("\(failure.message)")
                buffer.fail(failure)
                poller.requestStop()
                if !cooperative { _ = rd_kafka_assign(rk, nil) }
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            logger.info("Kafka consumer \(lost ? "lost" : "revoked") \(describe(partitions))")
            let onRevoke = self.onRevoke
            waitForAsync { await onRevoke(partitions) }
            buffer.remove(Set(partitions))
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) { rd_kafka_error_destroy(error) }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        default:
            logger.error("Kafka rebalance error: \(KafkaError(rdkafka: err, "rebalance"))")
            _ = rd_kafka_assign(rk, nil)
        }
    }

    private func describe(_ partitions: [KafkaTopicPartition]) -> String {
        partitions.map { "\($0.topic)[\($0.partition)]" }.sorted().joined(separator: ", ")
    }
}

import Crdkafka
import Logging

/// Topic administration and metadata. Each call opens a short-lived client on its own thread.
public enum KafkaAdmin {
    /// A topic to create. `replicationFactor` -1 means the broker's default.
    public struct TopicSpec: Sendable, Hashable {
        public var name: String
        public var partitions: Int32
        public var replicationFactor: Int16

        public init(name: String, partitions: Int32, replicationFactor: Int16 = 1) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
        }
    }

    /// Creates the topics; a topic that already exists counts as created (its partition count is not
    /// checked: use `partitionCount`).
    public static func createTopics(
        _ topics: [TopicSpec], config: KafkaConfig, logger: Logger, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) {
        guard !topics.isEmpty else { return }
        let brokers = config.bootstrapServers
        try await withAdminHandle(config: config, logger: logger) { rk throws(KafkaError) in
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
            for topic in topics {
                guard let newTopic = rd_kafka_NewTopic_new(
                    topic.name, topic.partitions, Int32(topic.replicationFactor), &errstr, errstr.count)
                else { throw KafkaError(.configuration, "topic \(topic.name): \(string(errstr))") }
                newTopics.append(newTopic)
            }
            let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
            defer { rd_kafka_AdminOptions_destroy(options) }
            _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.milliseconds, &errstr, errstr.count)
            let queue = rd_kafka_queue_new(rk)
            defer { rd_kafka_queue_destroy(queue) }

            rd_kafka_CreateTopics(rk, &newTopics, newTopics.count, options, queue)
            let context = "creating topics \(topics.map(\.name)) at \(brokers)"
            guard let event = rd_kafka_queue_poll(queue, timeout.milliseconds + 1000) else {
                throw KafkaError(.timedOut, "\(context): no answer within \(timeout)", isRetriable: true)
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(rdkafka: eventError, context, detail: String(cString: rd_kafka_event_error_string(event)))
            }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            for index in 0..<count {
                let result = results![index]
                let err = rd_kafka_topic_result_error(result)
                guard err != RD_KAFKA_RESP_ERR_NO_ERROR, err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
                let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) }
                throw KafkaError(
                    rdkafka: err, "creating topic \(String(cString: rd_kafka_topic_result_name(result))) at \(brokers)",
                    detail: detail)
            }
        }
    }

    /// The number of partitions of `topic`; `.unknownTopic` if it does not exist.
    public static func partitionCount(
        topic: String, config: KafkaConfig, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> Int32 {
        let brokers = config.bootstrapServers
        return try await withAdminHandle(config: config, logger: silent) { rk throws(KafkaError) in
            // All topics: asking for one by name could make a broker auto-create it.
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(rk, 1, nil, &metadata, timeout.milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError(rdkafka: err, "reading metadata from \(brokers)")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            let topics = UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
            guard let found = topics.first(where: { String(cString: $0.topic) == topic }),
                found.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
            else {
                throw KafkaError(.unknownTopic, "topic \(topic) does not exist at \(brokers) (create it first)")
            }
            guard found.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(rdkafka: found.err, "metadata of topic \(topic)")
            }
            return Int32(found.partition_cnt)
        }
    }

    /// The low watermark (oldest offset) and high watermark (next offset to be written) of a partition.
    /// On Tansu 0.6.0 the high watermark is wrong after a multi-record batch (producers need
    /// `batch.num.messages=1` for it to be exact).
    public static func watermarks(
        topic: String, partition: Int32, config: KafkaConfig, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> (low: Int64, high: Int64) {
        let brokers = config.bootstrapServers
        let marks = try await withAdminHandle(config: config, logger: silent) { rk throws(KafkaError) in
            var low: Int64 = -1
            var high: Int64 = -1
            let err = rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, timeout.milliseconds)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(rdkafka: err, "reading watermarks of \(topic)[\(partition)] from \(brokers)")
            }
            return [low, high]
        }
        return (marks[0], marks[1])
    }

    private static let silent = Logger(label: "wangqian.kafka.admin", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a fresh handle on a dedicated thread, then destroys the handle.
    private static func withAdminHandle<T: Sendable>(
        config: KafkaConfig, logger: Logger, _ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await onDedicatedThread("wangqian-kafka-admin") {
            do throws(KafkaError) {
                try LibrdkafkaVersion.check()
                let client = try RDKafkaClient.make(
                    RD_KAFKA_PRODUCER, properties: config.properties(roleDefaults: []), events: RDKafkaEvents(logger: logger))
                defer {
                    client.serveLogs()
                    client.destroy()
                }
                return .success(try client.withHandle(body))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

import Crdkafka

/// An error raised by the Kafka adapter: what went wrong (`code`), whether trying again may help
/// (`isRetriable`), a readable `message`, and where in the adapter it was raised.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// An extensible error category; compare with the static values (`error.code == .timedOut`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No broker could be reached (connection refused, name resolution, all brokers down).
        public static let brokerUnreachable = Code("brokerUnreachable")
        /// A message or request did not complete in time.
        public static let timedOut = Code("timedOut")
        /// The topic or partition does not exist (Tansu has no topic auto-creation).
        public static let unknownTopic = Code("unknownTopic")
        /// A topic to be created exists already (`KafkaAdmin.createTopics` treats it as success).
        public static let topicAlreadyExists = Code("topicAlreadyExists")
        /// A librdkafka property was rejected.
        public static let configuration = Code("configuration")
        /// The installed librdkafka is too old.
        public static let unsupportedLibraryVersion = Code("unsupportedLibraryVersion")
        /// The message exceeds the client's or the broker's size limit.
        public static let messageTooLarge = Code("messageTooLarge")
        /// The client has been shut down or closed.
        public static let closed = Code("closed")
        /// The client instance is unusable (e.g. the idempotent producer lost its guarantees); recreate it.
        public static let fatal = Code("fatal")
        /// The consumer's `onAssign` callback threw, so it had no offsets to start from.
        public static let rebalanceFailed = Code("rebalanceFailed")
        /// The awaiting task was cancelled.
        public static let cancelled = Code("cancelled")
        /// Anything else; `message` names librdkafka's error.
        public static let other = Code("other")
    }

    public var code: Code
    public var isRetriable: Bool
    public var message: String
    public var file: String
    public var line: Int

    public init(
        _ code: Code, _ message: String, isRetriable: Bool = false,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
        self.file = file
        self.line = line
    }

    public var description: String {
        "KafkaError.\(code)\(isRetriable ? " (retriable)" : ""): \(message) [\(file):\(line)]"
    }
}

extension KafkaError {
    /// Maps a librdkafka error code; `context` says what was being done.
    init(rdkafka err: rd_kafka_resp_err_t, _ context: String, detail: String? = nil,
         file: String = #fileID, line: Int = #line) {
        let name = String(cString: rd_kafka_err2name(err))
        let text = detail ?? String(cString: rd_kafka_err2str(err))
        let (code, retriable) = Self.classify(err)
        self.init(code, "\(context): \(text) (\(name))", isRetriable: retriable, file: file, line: line)
    }

    static func classify(_ err: rd_kafka_resp_err_t) -> (Code, retriable: Bool) {
        switch err {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE,
            RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
            return (.brokerUnreachable, true)
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            return (.timedOut, true)
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
            RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            return (.unknownTopic, false)
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            return (.topicAlreadyExists, false)
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            return (.messageTooLarge, false)
        case RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_RESP_ERR_PRODUCER_FENCED, RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH,
            RD_KAFKA_RESP_ERR__FENCED:
            return (.fatal, false)
        case RD_KAFKA_RESP_ERR__DESTROY, RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
            return (.closed, false)
        case RD_KAFKA_RESP_ERR__INVALID_ARG, RD_KAFKA_RESP_ERR__UNKNOWN_PROTOCOL,
            RD_KAFKA_RESP_ERR_INVALID_PARTITIONS, RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR,
            RD_KAFKA_RESP_ERR_INVALID_CONFIG:
            return (.configuration, false)
        case RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
            return (.other, true)
        default:
            return (.other, false)
        }
    }
}

import Foundation

/// One record header: a text key and raw bytes (use `init(key:string:)` for UTF-8 text).
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]

    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }
}

/// A partition of a topic.
public struct KafkaTopicPartition: Sendable, Hashable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}

/// Logical offsets understood wherever an offset to start reading from is expected.
public enum KafkaOffset {
    /// The oldest message still in the partition.
    public static let beginning: Int64 = -2
    /// The next message to be written (skip everything present now).
    public static let end: Int64 = -1
}

/// A partition and the offset of the next message to read from it (or `KafkaOffset.beginning`/`.end`).
public struct KafkaTopicPartitionOffset: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}

/// A message to produce. With `partition == nil` the partitioner chooses by key (same key, same partition).
public struct KafkaOutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var partition: Int32?

    public init(
        topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// Text key and value, both UTF-8.
    public init(
        topic: String, key: String?, value: String, headers: [KafkaHeader] = [], partition: Int32? = nil
    ) {
        self.init(
            topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers,
            partition: partition)
    }

    /// Text key, raw value.
    @_disfavoredOverload  // so `key: nil` with a byte value picks the byte-key initializer
    public init(
        topic: String, key: String?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil
    ) {
        self.init(
            topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers, partition: partition)
    }
}

/// Where the broker stored a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}

/// A consumed message. `offset + 1` is the offset to store to resume after it.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The value of the first header named `key`.
    public func header(_ key: String) -> [UInt8]? {
        headers.first { $0.key == key }?.value
    }

    /// The key decoded as UTF-8 (nil when absent or not valid UTF-8).
    public var keyString: String? {
        key.flatMap { String(bytes: $0, encoding: .utf8) }
    }

    /// The value decoded as UTF-8 (nil when not valid UTF-8).
    public var valueString: String? {
        String(bytes: value, encoding: .utf8)
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}

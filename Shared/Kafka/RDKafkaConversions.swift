import Crdkafka
import Foundation

// Copies between librdkafka's C structures and the adapter's value types. Nothing here keeps a C pointer.

extension KafkaMessage {
    /// Copies a successfully consumed message.
    init(copying pointer: UnsafePointer<rd_kafka_message_t>) {
        let message = pointer.pointee
        var headers: [KafkaHeader] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                if let name { headers.append(KafkaHeader(key: String(cString: name), value: bytes(value, size))) }
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(pointer, &timestampType)
        self.init(
            topic: String(cString: rd_kafka_topic_name(message.rkt)),
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { bytes($0, message.key_len) },
            value: bytes(message.payload, message.len),
            headers: headers,
            timestamp: milliseconds >= 0 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil)
    }
}

/// The text in a NUL-terminated C buffer.
func string(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

func bytes(_ pointer: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
    guard let pointer, count > 0 else { return [] }
    return Array(UnsafeRawBufferPointer(start: pointer, count: count))
}

/// The partitions of a C list.
func topicPartitions(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
    (0..<Int(list.pointee.cnt)).map { i in
        let element = list.pointee.elems[i]
        return KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
    }
}

/// A new C list (the caller destroys it with `rd_kafka_topic_partition_list_destroy`).
func makePartitionList(_ items: [KafkaTopicPartitionOffset]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
    let list = rd_kafka_topic_partition_list_new(Int32(items.count))!
    for item in items {
        rd_kafka_topic_partition_list_add(list, item.topic, item.partition).pointee.offset = item.offset
    }
    return list
}

/// The current assignment of a consumer handle.
func currentAssignment(_ rk: OpaquePointer) throws(KafkaError) -> [KafkaTopicPartition] {
    var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    let err = rd_kafka_assignment(rk, &list)
    guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError(rdkafka: err, "reading the assignment") }
    defer { rd_kafka_topic_partition_list_destroy(list) }
    return topicPartitions(list)
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int` timeouts accept.
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }
}

import Foundation
import WangqianKafka

/// What a consumer has applied, for readiness ("caught up?") and the status endpoint.
public actor ConsumerProgress {
    private var isStarted = false
    private var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    private var appliedCount = 0

    public init() {}

    func started() { isStarted = true }

    func applied(topic: String, partition: Int32, offset: Int64) {
        nextOffsets[KafkaTopicPartition(topic: topic, partition: partition)] = offset + 1
        appliedCount += 1
    }

    public var hasStarted: Bool { isStarted }
    public var eventsApplied: Int { appliedCount }
    public func nextOffset(topic: String, partition: Int32) -> Int64? {
        nextOffsets[KafkaTopicPartition(topic: topic, partition: partition)]
    }
}

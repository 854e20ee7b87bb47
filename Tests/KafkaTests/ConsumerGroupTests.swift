import Foundation
import Testing
import WangqianKafka

@Suite("consumer group against the broker")
struct ConsumerGroupTests {
    @Test func twoMembersSplitPartitionsAndStartWhereOnAssignSays() async throws {
        let topic = try await freshTopic("group", partitions: 4)
        let producer = try KafkaProducer.make(config: brokerConfig, logger: testLogger)
        _ = try await producer.sendAll(
            (0..<4).flatMap { partition in
                (0..<10).map { KafkaOutgoingMessage(topic: topic, key: nil, value: "p\(partition)-\($0)", partition: Int32(partition)) }
            })
        await producer.shutdown()

        let group = "test-group-\(UUID().uuidString.lowercased())"
        let members = try (0..<2).map { _ in try Member(topic: topic, group: group) }
        let readers = members.map { member in
            Task {
                for try await message in member.consumer.messages { member.seen.append(message) }
            }
        }

        // Wait for a settled split in which each member has read its partitions up to the end.
        try await waitUntil("both members own 2 partitions and have read them", timeout: .seconds(40)) {
            let assignments = try members.map { Set(try $0.consumer.assignment()) }
            guard assignments.allSatisfy({ $0.count == 2 }), assignments[0].isDisjoint(with: assignments[1]) else {
                return false
            }
            return zip(members, assignments).allSatisfy { member, assigned in
                let seen = member.seen.messages
                return assigned.allSatisfy { partition in
                    seen.contains { $0.topicPartition == partition && $0.offset == 9 }
                }
            }
        }
        let finalAssignments = try members.map { Set(try $0.consumer.assignment()) }
        let lastAsked = members.map { $0.assignCalls.values.last.map(Set.init) }
        let seenBeforeClose = members.map { $0.seen.messages }
        async let closeFirst: Void = members[0].consumer.close()
        async let closeSecond: Void = members[1].consumer.close()
        _ = await (closeFirst, closeSecond)
        for reader in readers { _ = try await reader.value }  // ends after close(), without error

        #expect(finalAssignments[0].union(finalAssignments[1]).map(\.partition).sorted() == [0, 1, 2, 3])
        #expect(throws: KafkaError.self, "assignment() after close()") { try members[0].consumer.assignment() }
        for (index, member) in members.enumerated() {
            let assigned = finalAssignments[index]
            #expect(lastAsked[index] == assigned, "the last assignment onAssign was asked about is the one held")
            let seen = seenBeforeClose[index]
            #expect(seen.allSatisfy { $0.offset >= 5 }, "nothing before the offset onAssign returned")
            for partition in Set(seen.map(\.topicPartition)) {
                let first = seen.first { $0.topicPartition == partition }
                #expect(first?.offset == 5, "first message of \(partition)")
            }
            let revoked = Set(member.revokeCalls.values.joined())
            #expect(revoked.isSuperset(of: assigned), "onRevoke told on close()")
        }
    }

    @Test func failingOnAssignEndsTheMessagesWithAnError() async throws {
        let topic = try await freshTopic("group-fail", partitions: 1)
        let consumer = try KafkaConsumer.subscribe(
            topics: [topic], groupID: "test-group-\(UUID().uuidString.lowercased())", config: brokerConfig,
            logger: testLogger,
            onAssign: { _ in throw TestFailure(description: "database unavailable") })
        let error = await #expect(throws: KafkaError.self) {
            for try await _ in consumer.messages {}
        }
        #expect(error?.code == .rebalanceFailed)
        #expect(error?.message.contains("database unavailable") == true)
        await consumer.close()
    }
}

/// One group member and what its callbacks and message loop saw.
private struct Member {
    let consumer: KafkaConsumer
    let seen = Collected()
    let assignCalls = Recorder<[KafkaTopicPartition]>()
    let revokeCalls = Recorder<[KafkaTopicPartition]>()

    init(topic: String, group: String) throws {
        let (assignCalls, revokeCalls) = (self.assignCalls, self.revokeCalls)
        consumer = try KafkaConsumer.subscribe(
            topics: [topic], groupID: group, config: brokerConfig, logger: testLogger,
            onAssign: { partitions in
                assignCalls.append(partitions)
                // As if read from the database: every partition was processed up to offset 4.
                return partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 5) }
            },
            onRevoke: { partitions in revokeCalls.append(partitions) })
    }
}

final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []
    func append(_ value: Value) { lock.withLock { stored.append(value) } }
    var values: [Value] { lock.withLock { stored } }
}

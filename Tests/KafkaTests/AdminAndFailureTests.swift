import Foundation
import Testing
import WangqianKafka

@Suite("admin and failures against the broker")
struct AdminAndFailureTests {
    @Test func createTopicsIsIdempotentAndPartitionCountIsRight() async throws {
        let name = try await freshTopic("admin", partitions: 3)
        let other = "test-admin-\(UUID().uuidString.lowercased())"
        // Again, together with a new topic: the existing one counts as success.
        try await KafkaAdmin.createTopics(
            [.init(name: name, partitions: 3), .init(name: other, partitions: 2)], config: brokerConfig, logger: testLogger)
        #expect(try await KafkaAdmin.partitionCount(topic: name, config: brokerConfig) == 3)
        #expect(try await KafkaAdmin.partitionCount(topic: other, config: brokerConfig) == 2)

        let missing = await #expect(throws: KafkaError.self) {
            try await KafkaAdmin.partitionCount(topic: "test-missing-\(UUID().uuidString)", config: brokerConfig)
        }
        #expect(missing?.code == .unknownTopic)
    }

    @Test func producerAgainstUnreachableBrokerFailsRetriablyInBoundedTime() async throws {
        var config = KafkaConfig(bootstrapServers: "127.0.0.1:1", clientId: "unreachable-test")
        config.extra["message.timeout.ms"] = "2000"
        let producer = try KafkaProducer.make(config: config, logger: testLogger)
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaOutgoingMessage(topic: "nowhere", key: "k", value: "v"))
        }
        let elapsed = ContinuousClock.now - started
        await producer.shutdown()
        let shutDown = ContinuousClock.now - started

        #expect(error?.code == .timedOut || error?.code == .brokerUnreachable, "\(String(describing: error))")
        #expect(error?.isRetriable == true)
        #expect(elapsed < .seconds(8), "failed after \(elapsed)")
        #expect(shutDown < .seconds(10), "shut down after \(shutDown)")

        let afterShutdown = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaOutgoingMessage(topic: "nowhere", key: "k", value: "v"))
        }
        #expect(afterShutdown?.code == .closed)
    }

    @Test func adminAgainstUnreachableBrokerFailsInBoundedTime() async throws {
        let config = KafkaConfig(bootstrapServers: "127.0.0.1:1", clientId: "unreachable-test")
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaError.self) {
            try await KafkaAdmin.partitionCount(topic: "nowhere", config: config, timeout: .seconds(2))
        }
        #expect(ContinuousClock.now - started < .seconds(6))
        #expect(error?.isRetriable == true, "\(String(describing: error))")
    }
}

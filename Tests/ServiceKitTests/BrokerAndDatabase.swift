import Foundation
import Logging
import WangqianKafka
import WangqianPostgres
@testable import ServiceKit

/// The real PostgreSQL and broker of the test run: a fresh database with the base migrations and a fresh topic
/// per test.
enum BrokerAndDatabase {
    static func withFixture(logger: Logger, _ body: (PostgresPool, KafkaProducer, String) async throws -> Void) async throws {
        try await withFixture(logger: logger) { pool, producer, topic, _ in try await body(pool, producer, topic) }
    }

    /// The same, also handing the body the database's configuration (for what opens connections of its own).
    static func withFixture(logger: Logger, _ body: (PostgresPool, KafkaProducer, String, PostgresConfig) async throws -> Void) async throws {
        let name = "wq_sk_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = PostgresPool(config: PostgresConfig.fromEnvironment(database: "postgres"), logger: logger)
        try await admin.execute("create database \(identifier: name)")
        let pool = PostgresPool(config: PostgresConfig.fromEnvironment(database: name), logger: logger)
        let kafka = KafkaConfig.fromEnvironment(clientId: "servicekit-tests")
        let producer = try KafkaProducer.make(config: kafka, logger: logger)
        do {
            try await PostgresMigrator.run(ServiceRuntime.baseMigrations, on: pool, logger: logger)
            let topic = "servicekit-test-\(UUID().uuidString.lowercased())"
            try await KafkaAdmin.createTopics([.init(name: topic, partitions: 1)], config: kafka, logger: logger)
            try await body(pool, producer, topic, PostgresConfig.fromEnvironment(database: name))
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
        func cleanUp() async {
            await producer.shutdown()
            await pool.close()
            _ = try? await admin.execute("drop database if exists \(identifier: name) with (force)")
            await admin.close()
        }
    }

    /// The first `count` records of partition 0; fails after 20 s instead of waiting for ever.
    static func read(_ topic: String, count: Int, logger: Logger) async throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer.assign([.init(topic: topic, partition: 0, offset: 0)],
                                                config: .fromEnvironment(clientId: "servicekit-tests"), logger: logger)
        let reader = Task {
            var messages: [KafkaMessage] = []
            for try await message in consumer.messages {
                messages.append(message)
                if messages.count == count { break }
            }
            return messages
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(20))
            await consumer.close()
        }
        let messages = try await reader.value
        timeout.cancel()
        await consumer.close()
        return messages
    }
}

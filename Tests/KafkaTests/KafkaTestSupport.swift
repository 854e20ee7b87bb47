import Foundation
import Logging
import Testing
import WangqianKafka

/// The broker under test: KAFKA_BROKERS, else 127.0.0.1:9092 (Tansu, started by deploy/local/infra.sh).
let brokerConfig = KafkaConfig.fromEnvironment(clientId: "wangqian-kafka-tests")

let testLogger: Logger = {
    var logger = Logger(label: "kafka-tests")
    logger.logLevel = .warning
    return logger
}()

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// Creates a topic named `<label>-<uuid>`; fails clearly when the broker cannot be reached.
func freshTopic(_ label: String, partitions: Int32) async throws -> String {
    let name = "test-\(label)-\(UUID().uuidString.lowercased())"
    do {
        try await KafkaAdmin.createTopics(
            [.init(name: name, partitions: partitions)], config: brokerConfig, logger: testLogger, timeout: .seconds(5))
    } catch {
        throw TestFailure(
            description: "Kafka broker at \(brokerConfig.bootstrapServers) is not usable: \(error). "
                + "Start it with `bash deploy/local/infra.sh start` or set KAFKA_BROKERS.")
    }
    return name
}

/// Reads `count` messages, or fails after `timeout` saying how many arrived.
func collect(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(20)) async throws -> [KafkaMessage] {
    let received = Collected()
    let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask {
            for try await message in consumer.messages {
                if received.append(message) >= count { return true }
            }
            return false
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return false
        }
        let first = try await group.next()!
        group.cancelAll()
        return first
    }
    guard finished else {
        throw TestFailure(description: "received \(received.messages.count) of \(count) messages within \(timeout)")
    }
    return received.messages
}

/// Polls `condition` every 50 ms until it holds; fails after `timeout` with `what`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(20), _ condition: @Sendable () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure(description: "timed out waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Messages gathered by a background task, readable from the test.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [KafkaMessage] = []

    @discardableResult
    func append(_ message: KafkaMessage) -> Int {
        lock.withLock {
            stored.append(message)
            return stored.count
        }
    }

    var messages: [KafkaMessage] { lock.withLock { stored } }
}

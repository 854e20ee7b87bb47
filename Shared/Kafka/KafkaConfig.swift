import Foundation

/// Connection settings shared by producers, consumers and admin calls.
///
/// The adapter applies its own defaults per role (see `KafkaProducer.make`, `KafkaConsumer`), then
/// `extra`, so any librdkafka property (https://github.com/confluentinc/librdkafka/blob/master/CONFIGURATION.md)
/// can be overridden there.
public struct KafkaConfig: Sendable {
    /// Comma-separated `host:port` list. Use 127.0.0.1 rather than localhost for Tansu (IPv4 only).
    public var bootstrapServers: String = "127.0.0.1:9092"
    public var clientId: String = "wangqian"
    /// librdkafka properties applied last, over the adapter's defaults.
    public var extra: [String: String] = [:]
    /// Consumers: how many fetched messages may wait for the application before fetching pauses.
    public var messageBufferCapacity: Int = 1000

    public init(
        bootstrapServers: String = "127.0.0.1:9092", clientId: String = "wangqian", extra: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientId = clientId
        self.extra = extra
    }

    /// Brokers from `KAFKA_BROKERS` (default 127.0.0.1:9092).
    public static func fromEnvironment(
        clientId: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> KafkaConfig {
        let brokers = environment["KAFKA_BROKERS"].flatMap { $0.isEmpty ? nil : $0 }
        return KafkaConfig(bootstrapServers: brokers ?? "127.0.0.1:9092", clientId: clientId)
    }

    /// The librdkafka properties in the order they are applied: connection, role defaults, `extra`.
    func properties(roleDefaults: [(String, String)]) -> [(String, String)] {
        var result: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("client.id", clientId),
            // Logs are queued and emitted by our poll threads, where calling into librdkafka is allowed.
            ("log.queue", "true"),
        ]
        result += roleDefaults
        result += extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}

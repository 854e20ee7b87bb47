import Foundation
import Logging
import WangqianKafka
import WangqianPostgres

/// Everything a service reads from its environment. `@main` only builds this; the rest is plain code,
/// so tests and the demo run the same executables against other servers by changing variables only.
///
/// Variables (all optional; local defaults match `deploy/local/`):
/// - `WANGQIAN_HTTP_HOST`, `<SERVICE>_HTTP_PORT` (or `WANGQIAN_HTTP_PORT`)
/// - `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `<SERVICE>_PGDATABASE` (default `wangqian_<service>`)
/// - `KAFKA_BROKERS`, `WANGQIAN_TOPIC_PREFIX` (tests use a fresh prefix per run)
/// - `KAFKA_PROPERTIES` (every client) and `KAFKA_PRODUCER_PROPERTIES` (producers): comma-separated librdkafka
///   `key=value` pairs, e.g. `security.protocol=SASL_SSL,sasl.mechanism=PLAIN` on a production cluster
/// - `WANGQIAN_JWT_SECRET` (development default, with a warning), `WANGQIAN_COMMAND_WAIT_MS`,
///   `WANGQIAN_REPUBLISH_AFTER_MS` (0 turns the read-back confirmation off)
/// - `WANGQIAN_CLOCK_OFFSET_SECONDS`, `WANGQIAN_CLOCK_CONTROL` (scheduler only; off by default)
/// - `LOG_LEVEL`
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var httpHost: String
    public var httpPort: Int
    public var postgres: PostgresConfig
    /// Settings of every Kafka client (consumers, admin).
    public var kafka: KafkaConfig
    /// `kafka` plus the producer-only properties.
    public var producerKafka: KafkaConfig
    public var topicPrefix: String
    public var jwtSecret: String
    public var jwtSecretIsDevelopmentDefault: Bool
    public var commandWait: Duration
    /// How long after the broker's acknowledgement an event not yet read back from the log is published again.
    public var republishAfter: Duration
    public var clockOffsetSeconds: Double
    public var clockControlEnabled: Bool
    public var logLevel: Logger.Level
    /// The school code used in agreement numbers (year + school code + serial).
    public var schoolCode: String

    public static let developmentJWTSecret = "wangqian-development-secret-change-me"

    public static func fromEnvironment(
        service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ServiceConfiguration {
        let upper = service.uppercased()
        func value(_ key: String) -> String? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            return v
        }
        var postgres = PostgresConfig.fromEnvironment(database: "wangqian_\(service)", prefix: "\(upper)_")
        if let pool = value("WANGQIAN_PG_POOL_SIZE").flatMap(Int.init) { postgres.poolSize = pool }
        var kafka = KafkaConfig.fromEnvironment(clientId: "wangqian-\(service)")
        kafka.extra.merge(properties(value("KAFKA_PROPERTIES"))) { _, new in new }
        var producerKafka = kafka
        producerKafka.extra.merge(properties(value("KAFKA_PRODUCER_PROPERTIES"))) { _, new in new }
        let secret = value("WANGQIAN_JWT_SECRET")
        return ServiceConfiguration(
            service: service,
            httpHost: value("WANGQIAN_HTTP_HOST") ?? "127.0.0.1",
            httpPort: value("\(upper)_HTTP_PORT").flatMap(Int.init)
                ?? value("WANGQIAN_HTTP_PORT").flatMap(Int.init) ?? defaultPort,
            postgres: postgres,
            kafka: kafka,
            producerKafka: producerKafka,
            topicPrefix: value("WANGQIAN_TOPIC_PREFIX") ?? "",
            jwtSecret: secret ?? developmentJWTSecret,
            jwtSecretIsDevelopmentDefault: secret == nil,
            commandWait: .milliseconds(value("WANGQIAN_COMMAND_WAIT_MS").flatMap(Int.init) ?? 5000),
            republishAfter: .milliseconds(value("WANGQIAN_REPUBLISH_AFTER_MS").flatMap(Int.init) ?? 2000),
            clockOffsetSeconds: value("WANGQIAN_CLOCK_OFFSET_SECONDS").flatMap(Double.init) ?? 0,
            clockControlEnabled: value("WANGQIAN_CLOCK_CONTROL") == "1",
            logLevel: value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info,
            schoolCode: value("WANGQIAN_SCHOOL_CODE") ?? "10001"
        )
    }

    /// Parses `a=1,b=2` into librdkafka properties; malformed pairs are ignored.
    static func properties(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (text ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, !kv[0].isEmpty { result[kv[0]] = kv[1] }
        }
        return result
    }
}

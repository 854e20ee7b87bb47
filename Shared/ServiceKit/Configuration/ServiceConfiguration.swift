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
/// - `KAFKA_BROKERS`, `WANGQIAN_TOPIC_PREFIX` (tests use a fresh prefix per run), `WANGQIAN_KAFKA_BATCH_MESSAGES`
/// - `WANGQIAN_JWT_SECRET` (development default, with a warning), `WANGQIAN_COMMAND_WAIT_MS`
/// - `WANGQIAN_CLOCK_OFFSET_SECONDS`, `WANGQIAN_CLOCK_CONTROL` (scheduler only; off by default)
/// - `LOG_LEVEL`
public struct ServiceConfiguration: Sendable {
    public var service: String
    public var httpHost: String
    public var httpPort: Int
    public var postgres: PostgresConfig
    public var kafka: KafkaConfig
    public var topicPrefix: String
    public var jwtSecret: String
    public var jwtSecretIsDevelopmentDefault: Bool
    public var commandWait: Duration
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
        // One record per produce batch by default: Tansu (the local broker) hides the last record of a multi-record
        // batch from consumers until more data arrives. On Apache Kafka raise it (e.g. 10000) for throughput.
        kafka.extra["batch.num.messages"] = value("WANGQIAN_KAFKA_BATCH_MESSAGES") ?? "1"
        let secret = value("WANGQIAN_JWT_SECRET")
        return ServiceConfiguration(
            service: service,
            httpHost: value("WANGQIAN_HTTP_HOST") ?? "127.0.0.1",
            httpPort: value("\(upper)_HTTP_PORT").flatMap(Int.init)
                ?? value("WANGQIAN_HTTP_PORT").flatMap(Int.init) ?? defaultPort,
            postgres: postgres,
            kafka: kafka,
            topicPrefix: value("WANGQIAN_TOPIC_PREFIX") ?? "",
            jwtSecret: secret ?? developmentJWTSecret,
            jwtSecretIsDevelopmentDefault: secret == nil,
            commandWait: .milliseconds(value("WANGQIAN_COMMAND_WAIT_MS").flatMap(Int.init) ?? 5000),
            clockOffsetSeconds: value("WANGQIAN_CLOCK_OFFSET_SECONDS").flatMap(Double.init) ?? 0,
            clockControlEnabled: value("WANGQIAN_CLOCK_CONTROL") == "1",
            logLevel: value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info,
            schoolCode: value("WANGQIAN_SCHOOL_CODE") ?? "10001"
        )
    }
}

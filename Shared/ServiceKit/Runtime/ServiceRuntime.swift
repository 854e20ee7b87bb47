import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WangqianKafka
import WangqianPostgres

/// The parts every service is made of, built once at start-up from its configuration.
///
/// Start order: database (and migrations), Kafka (topics, producer), then the consumer and the outbox relay,
/// then HTTP; Hummingbird's service group shuts them down in reverse order on SIGTERM.
public final class ServiceRuntime: Sendable {
    public let config: ServiceConfiguration
    public let logger: Logger
    public let pool: PostgresPool
    public let producer: KafkaProducer
    public let topics: Topics
    public let relay: OutboxRelay
    public let progress: ConsumerProgress
    public let arrivals: EventArrivals
    public let tokens: TokenAuthority
    public let clock: ServiceClock
    /// CloudEvents `source` of what this service emits, e.g. `/wangqian/student`.
    public let source: String

    /// The migrations every service has (outbox, consumer bookkeeping, agreement projection); services add
    /// their own with versions from 100 on.
    public static let baseMigrations: [PostgresMigration] =
        Outbox.migrations + EventConsumer<ContractEvent>.migrations + AgreementProjection.migrations

    private init(config: ServiceConfiguration, logger: Logger, pool: PostgresPool, producer: KafkaProducer,
                 tokens: TokenAuthority) {
        self.config = config
        self.logger = logger
        self.pool = pool
        self.producer = producer
        let topics = Topics(prefix: config.topicPrefix)
        self.topics = topics
        self.relay = OutboxRelay(pool: pool, producer: producer, logger: logger,
                                 confirmedTopics: [topics.agreementEvents], republishAfter: config.republishAfter)
        self.progress = ConsumerProgress()
        self.arrivals = EventArrivals()
        self.tokens = tokens
        self.clock = ServiceClock(offsetSeconds: config.clockOffsetSeconds)
        self.source = "/wangqian/\(config.service)"
    }

    /// Connects to the database and migrates it, makes sure the topics exist, and starts the producer.
    public static func bootstrap(_ config: ServiceConfiguration, migrations: [PostgresMigration] = []) async throws -> ServiceRuntime {
        var logger = Logger(label: "wangqian.\(config.service)")
        logger.logLevel = config.logLevel
        if config.jwtSecretIsDevelopmentDefault {
            logger.warning("WANGQIAN_JWT_SECRET is not set: using the development secret (never in production)")
        }
        try LibrdkafkaVersion.check()
        let pool = PostgresPool(config: config.postgres, logger: logger)
        try await PostgresMigrator.run(baseMigrations + migrations, on: pool, logger: logger)
        let topics = Topics(prefix: config.topicPrefix)
        try await KafkaAdmin.createTopics(
            topics.all.map { KafkaAdmin.TopicSpec(name: $0.name, partitions: Int32($0.partitions)) },
            config: config.kafka, logger: logger)
        let producer = try KafkaProducer.make(config: config.producerKafka, logger: logger)
        let tokens = try await TokenAuthority(secret: config.jwtSecret)
        return ServiceRuntime(config: config, logger: logger, pool: pool, producer: producer, tokens: tokens)
    }

    /// Encodes an event as a CloudEvent Kafka record for the outbox.
    public func outboxRecord(for event: ContractEvent) -> OutboxRecord {
        let id = UUID()
        let parts = CloudEvent.encode(event, id: id, source: source, time: clock.now)
        return OutboxRecord(
            eventID: id, topic: topics.name(for: event), key: parts.key,
            headers: Dictionary(parts.headers.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a }),
            value: parts.value)
    }

    public func outboxRecord(for event: AgreementEvent) -> OutboxRecord { outboxRecord(for: .agreement(event)) }

    /// The service's consumer of the agreement topic (and `otherTopics`): applies agreement events to the shared
    /// projection, then calls `onAgreement` in the same transaction; other events go to `onOther`.
    public func consumer(
        otherTopics: [String] = [],
        onAgreement: @escaping @Sendable (AgreementEvent, ProjectionOutcome, PostgresConnection) async throws -> Void = { _, _, _ in },
        onOther: @escaping @Sendable (ContractEvent, PostgresConnection) async throws -> Void = { _, _ in }
    ) -> EventConsumer<ContractEvent> {
        EventConsumer<ContractEvent>(
            name: config.service, topics: [topics.agreementEvents] + otherTopics, pool: pool, kafka: config.kafka,
            producer: producer, deadLetterTopic: topics.deadLetter, progress: progress, logger: logger,
            decode: { message throws(DeadLetterReason) in
                do {
                    let decoded = try CloudEvent.decode(headers: message.headers.map { ($0.key, $0.value) }, value: message.value)
                    return (decoded.id, decoded.event)
                } catch {
                    throw DeadLetterReason("\(error)")
                }
            },
            handle: { consumed, connection in
                if case .agreement(let event) = consumed.event {
                    let outcome = try await AgreementProjection.apply(event, eventID: consumed.id, on: connection)
                    try await onAgreement(event, outcome, connection)
                } else {
                    try await onOther(consumed.event, connection)
                }
            },
            afterCommit: { [arrivals] consumed in arrivals.arrived(consumed.id) })
    }

    /// Runs the HTTP API and the background services until SIGTERM/SIGINT, then closes the adapters.
    /// - Parameter commandRoles: the roles this service takes commands from (who may look up their outcomes).
    public func run(router: Router<AppRequestContext>, services: [any Service], openAPI: String, commandRoles: Set<Role>) async throws {
        addCommonRoutes(to: router, openAPI: openAPI, commandRoles: commandRoles)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "wangqian-\(config.service)"),
            services: [relay] + services,
            logger: logger)
        do {
            try await app.runService()
        } catch {
            logger.error("service stopped with an error", metadata: ["error": "\(error)"])
            await shutdown()
            throw error
        }
        await shutdown()
    }

    private func shutdown() async {
        await producer.shutdown()
        await pool.close()
        logger.info("stopped")
    }
}

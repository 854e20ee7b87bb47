import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WangqianKafka
import WangqianPostgres

/// The parts every service is made of, built once at start-up from its configuration: the composition root.
/// A service's `build` function takes the parts its routes, portal and stores need from it and hands each only
/// those; nothing below `build` sees the runtime.
///
/// Start order: database (and migrations), Kafka (topics, producer), then the consumer and the outbox relay,
/// then HTTP; Hummingbird's service group shuts them down in reverse order on SIGTERM.
public final class ServiceRuntime: Sendable {
    public let config: ServiceConfiguration
    public let logger: Logger
    public let pool: PostgresPool
    /// Publishes agreement events and dead letters.
    public let producer: KafkaProducer
    /// Publishes reference data (roster, registry), so bulk imports never queue ahead of agreement events.
    public let bulkProducer: KafkaProducer
    public let topics: Topics
    public let relay: OutboxRelay
    public let progress: ConsumerProgress
    public let arrivals: EventArrivals
    public let tokens: TokenAuthority
    public let clock: ServiceClock
    /// Where this service's events go (encoded, signed, appended in the writer's transaction).
    public let outbox: EventOutbox
    /// The shared agreement projection's reads.
    public let agreements: AgreementStore
    /// Agreement commands: decided once, recorded with the outbox, awaited through our own projection.
    public let commands: AgreementCommands
    let routeTable = RouteTable()

    /// The migrations every service has (outbox, consumer bookkeeping, agreement projection); services add
    /// their own with versions from 100 on.
    public static let baseMigrations: [PostgresMigration] =
        (Outbox.migrations + EventConsumer<ContractEvent>.migrations + AgreementProjection.migrations + ProjectionFormat.migrations).sorted { $0.version < $1.version }

    private init(config: ServiceConfiguration, logger: Logger, pool: PostgresPool, producer: KafkaProducer,
                 bulkProducer: KafkaProducer, tokens: TokenAuthority) {
        self.config = config
        self.logger = logger
        self.pool = pool
        self.producer = producer
        self.bulkProducer = bulkProducer
        let topics = Topics(prefix: config.topicPrefix)
        self.topics = topics
        let arrivals = EventArrivals()
        // Every topic a service writes is read back by its own consumer, so a record the broker acknowledged and
        // lost is noticed and published again, whatever the topic.
        self.relay = OutboxRelay(
            pool: pool,
            lanes: [.init(topic: topics.agreementEvents, producer: producer, replaceProducer: Self.producerFactory(config, "-agreements", logger)),
                    .init(topic: topics.studentRoster, producer: bulkProducer, replaceProducer: Self.producerFactory(config, "-roster", logger),
                          maxPerSecond: config.bulkPublishRate),
                    .init(topic: topics.employerRegistry, producer: bulkProducer, replaceProducer: Self.producerFactory(config, "-registry", logger),
                          maxPerSecond: config.bulkPublishRate)],
            logger: logger, confirmedTopics: topics.published, republishAfter: config.republishAfter,
            loseFirstPublication: Set(config.loseFirstPublication.map { kind in
                switch kind {
                case "roster": topics.studentRoster
                case "registry": topics.employerRegistry
                default: topics.agreementEvents
                }
            }),
            onParked: { arrivals.arrived($0) })
        self.progress = ConsumerProgress()
        self.arrivals = arrivals
        self.tokens = tokens
        let clock = ServiceClock(offsetSeconds: config.clockOffsetSeconds)
        self.clock = clock
        self.outbox = EventOutbox(clock: clock, source: "/wangqian/\(config.service)", keys: config.eventKeys, topics: topics, relay: relay)
        self.agreements = AgreementStore(pool: pool)
        self.commands = AgreementCommands(pool: pool, agreements: agreements, outbox: outbox, arrivals: arrivals, wait: config.commandWait)
    }

    static func producerFactory(_ config: ServiceConfiguration, _ suffix: String, _ logger: Logger) -> @Sendable () throws -> KafkaProducer {
        { () throws -> KafkaProducer in
            var kafka = config.producerKafka
            kafka.clientId += suffix
            return try KafkaProducer.make(config: kafka, logger: logger)
        }
    }

    /// A router whose every error answer has the JSON error body (404, 405, 413, 500…).
    public func makeRouter() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: routeTable, logger: logger))
        return router
    }

    /// Connects to the database and migrates it, makes sure the topics exist, and starts the producer.
    public static func bootstrap(_ config: ServiceConfiguration, migrations: [PostgresMigration] = []) async throws -> ServiceRuntime {
        var logger = Logger(label: "wangqian.\(config.service)")
        logger.logLevel = config.logLevel
        if config.jwtSecretIsDevelopmentDefault {
            logger.warning("development profile: WANGQIAN_JWT_SECRET is not set, using the built-in development secret")
        }
        if config.eventKeysAreDevelopmentDefaults {
            logger.warning("development profile: event keys are not set, using the built-in development keys")
        }
        try LibrdkafkaVersion.check()
        let pool = PostgresPool(config: config.postgres, logger: logger)
        try await PostgresMigrator.run(baseMigrations + migrations, on: pool, logger: logger)
        let topics = Topics(prefix: config.topicPrefix)
        try await KafkaAdmin.createTopics(
            topics.all.map { KafkaAdmin.TopicSpec(name: $0.name, partitions: Int32($0.partitions)) },
            config: config.kafka, logger: logger)
        try await ProjectionFormat.ensureCurrent(
            pool: pool, rebuild: ProjectionRebuild(postgres: config.postgres, kafka: config.kafka, topic: topics.agreementEvents,
                                                   keys: config.eventKeys, logger: logger),
            logger: logger)
        let producer = try KafkaProducer.make(config: config.producerKafka, logger: logger)
        var bulkConfig = config.producerKafka
        bulkConfig.clientId += "-bulk"
        let bulkProducer = try KafkaProducer.make(config: bulkConfig, logger: logger)
        let tokens = try await TokenAuthority(secret: config.jwtSecret, maxLifetime: config.tokenMaxLifetime)
        return ServiceRuntime(config: config, logger: logger, pool: pool, producer: producer, bulkProducer: bulkProducer, tokens: tokens)
    }

    /// This service's signing key and every emitter's public key.
    public var keys: EventKeyRing { config.eventKeys }

    /// The service's consumers: one of the agreement topic, applying its events to the shared projection and then
    /// calling `onAgreement` in the same transaction; one of the reference topics (`otherTopics`, plus the ones
    /// this service writes, so it reads its own records back), calling `onOther`. Two consumers, so that a bulk
    /// import on a reference topic never delays agreement events.
    public func consumers(
        otherTopics: [String] = [],
        onAgreement: @escaping @Sendable (AgreementEvent, ProjectionOutcome, PostgresConnection) async throws -> Void = { _, _, _ in },
        onOther: @escaping @Sendable ([ContractEvent], PostgresConnection) async throws -> Void = { _, _ in }
    ) -> [any Service] {
        let keys = self.keys
        let decode: EventConsumer<ContractEvent>.Decode = { message throws(DeadLetterReason) in
            do {
                let decoded = try keys.open(message)
                return (decoded.id, decoded.event)
            } catch {
                throw DeadLetterReason("\(error)")
            }
        }
        let service = config.service
        let onDeadLetter: EventConsumer<ContractEvent>.OnDeadLetter = { id, reason, connection in
            // One of our own events that our own consumer cannot apply will never be: its command failed.
            try await Outbox.park(id, reason: "rejected by the \(service) service's consumer: \(reason)", on: connection)
        }
        let agreementConsumer = EventConsumer<ContractEvent>(
            name: "\(service).agreements", topics: [topics.agreementEvents], pool: pool, kafka: config.kafka,
            producer: producer, deadLetterTopic: topics.deadLetter, progress: progress, logger: logger,
            decode: decode,
            handle: { consumed, connection in
                if case .agreement(let event) = consumed.event {
                    let outcome = try await AgreementProjection.apply(event, eventID: consumed.id, on: connection)
                    try await onAgreement(event, outcome, connection)
                }
            },
            afterCommit: { [arrivals] id in arrivals.arrived(id) },
            onDeadLetter: onDeadLetter, afterDeadLetter: { [arrivals] id in arrivals.arrived(id) })
        let reference = Array(Set(otherTopics + writtenReferenceTopics)).sorted()
        guard !reference.isEmpty else { return [agreementConsumer] }
        let referenceConsumer = EventConsumer<ContractEvent>(
            name: "\(service).reference", topics: reference, pool: pool, kafka: config.kafka,
            producer: producer, deadLetterTopic: topics.deadLetter, progress: progress, logger: logger,
            readBackTopics: Set(writtenReferenceTopics).subtracting(otherTopics),
            decode: decode,
            handle: { consumed, connection in
                if case .agreement = consumed.event { return }
                try await onOther([consumed.event], connection)
            },
            handleRun: { run, connection in
                try await onOther(run.map(\.event).filter { if case .agreement = $0 { false } else { true } }, connection)
            },
            afterCommit: { [arrivals] id in arrivals.arrived(id) },
            onDeadLetter: onDeadLetter, afterDeadLetter: { [arrivals] id in arrivals.arrived(id) })
        return [agreementConsumer, referenceConsumer]
    }

    /// The reference topics this service publishes on: the college the roster, the employer service the registry.
    var writtenReferenceTopics: [String] {
        switch config.service {
        case "college": [topics.studentRoster]
        case "employer": [topics.employerRegistry]
        default: []
        }
    }

    /// The service as one application: its HTTP API (`router` plus the common routes) and its background
    /// `services` (consumers, timers), with the outbox relay, in one service group. The group starts them in
    /// order and, on SIGTERM/SIGINT, stops them in reverse: the HTTP server first, then the services, then the
    /// relay, and last the adapters (producers, database pool), so nothing still running loses its connection.
    /// Tests run the same application in their own process (HummingbirdTesting's `.live`).
    /// - Parameter document: the service's OpenAPI document (served at `/openapi.json`; its command roles are
    ///   who may look up the outcomes of commands).
    public func application(router: Router<AppRequestContext>, services: [any Service],
                            document: APIDocument) throws -> some ApplicationProtocol {
        CommonRoutes(tokens: tokens, agreements: agreements,
                     health: ServiceHealth(service: config.service, profile: config.profile, pool: pool, progress: progress),
                     openAPI: try document.rendered(), commandRoles: Set(document.commandRoles)).add(to: router)
        routeTable.load(from: router)
        try document.checkRoutes(router.routes.map { (method: $0.method.rawValue, path: "\($0.path)") })
        return Application(
            responder: HeadAsGetResponder(router.buildResponder()),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.httpIdleTimeout.components.seconds)))),
            configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "wangqian-\(config.service)"),
            services: [Adapters(runtime: self), relay] + services,
            logger: logger)
    }

    /// The adapters as the first service of the group: it only waits, and when the group stops (after every
    /// other service has) it shuts the producers down and closes the pool.
    struct Adapters: Service {
        let runtime: ServiceRuntime

        func run() async throws {
            try? await gracefulShutdown()
            await runtime.producer.shutdown()
            await runtime.bulkProducer.shutdown()
            await runtime.pool.close()
            runtime.logger.info("stopped")
        }
    }
}

extension ServiceRuntime {
    /// Runs a service's `main`: an error that ends it (the database unreachable at start, say) is written to
    /// standard error in one readable line and the process exits with status 1, instead of a crash report.
    public static func main(_ service: String, _ body: @Sendable () async throws -> Void) async {
        do {
            try await body()
        } catch {
            FileHandle.standardError.write(Data("wangqian-\(service): stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}

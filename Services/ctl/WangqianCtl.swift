import AgreementContract
import AgreementDomain
import ArgumentParser
import Foundation
import Logging
import ServiceKit
import Synchronization
import WangqianKafka
import WangqianPostgres

/// Development and operations tool.
@main
struct WangqianCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wangqianctl",
        abstract: "Wangqian development and operations tool.",
        subcommands: [Token.self, Replay.self, Keys.self])
}

/// Mints a development token.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a signed token (HS256, secret from WANGQIAN_JWT_SECRET).")

    @Option(help: "student, employer, counselor or office") var role: String
    @Option(help: "student ID, employer ID or staff ID") var subject: String
    @Option(help: "college code (counselors)") var college: String?
    @Option(help: "validity in hours (at most WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS, default 8 h)") var hours: Double = 8

    func run() async throws {
        guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
        if role == .counselor, college == nil { throw ValidationError("a counselor token needs --college") }
        let secret = try ServiceConfiguration.tokenSecret(profile: try ServiceConfiguration.profile())
        let cap = ProcessInfo.processInfo.environment["WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS"].flatMap(Double.init) ?? 8 * 3600
        let authority = try await TokenAuthority(secret: secret, maxLifetime: cap)
        print(try await authority.sign(Identity(role: role, subject: subject, collegeCode: college), validFor: hours * 3600))
    }
}

/// Replays the agreement topic from the beginning with the domain's evolve function. With `--service`, rebuilds that
/// service's projection from it (into a fresh schema, swapped in while the service runs; see `ProjectionRebuild`)
/// and prints progress. Without, prints the digest every service serves at /v1/projection/digest, so projections
/// can be checked against the log itself.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a service's agreement projection from the log (--service), or print the digest the log gives (JSON).")

    @Option(help: "topic name prefix (WANGQIAN_TOPIC_PREFIX)") var topicPrefix: String?
    @Option(help: "seconds without a new record after which the log is taken as read (a rebuild, which knows how far it must read, waits at least 30)")
    var idle: Double = 3
    @Option(help: "rebuild this service's projection (student, employer, college or scheduler; its database from PGHOST…, <SERVICE>_PGDATABASE)")
    var service: String?

    func run() async throws {
        var logger = Logger(label: "wangqianctl")
        logger.logLevel = .warning
        let prefix = topicPrefix ?? ProcessInfo.processInfo.environment["WANGQIAN_TOPIC_PREFIX"] ?? ""
        let topic = Topics(prefix: prefix).agreementEvents
        let kafka = KafkaConfig.fromEnvironment(clientId: "wangqianctl-replay")
        if let service {
            guard EventKeyRing.emitters.contains(service) else { throw ValidationError("unknown service \(service)") }
            let rebuild = ProjectionRebuild(
                postgres: PostgresConfig.fromEnvironment(database: "wangqian_\(service)", prefix: "\(service.uppercased())_"),
                kafka: kafka, topic: topic, keys: try ServiceConfiguration.eventVerifier(), logger: logger,
                idle: .milliseconds(Int(max(idle, ProjectionRebuild.minimumIdleSeconds) * 1000)))
            let done = try await rebuild.run { progress in
                FileHandle.standardError.write(Data("[replay] \(service): \(progress)\n".utf8))
            }
            print("rebuilt the \(service) projection from \(topic): \(done.applied) events applied, \(done.refused) refused, \(done.skipped) skipped")
            return
        }
        let partitions = try await KafkaAdmin.partitionCount(topic: topic, config: kafka)
        let consumer = try KafkaConsumer.assign(
            (0..<partitions).map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) },
            config: kafka, logger: logger)
        let lastSeen = Mutex(Date())
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(200))
                if Date().timeIntervalSince(lastSeen.withLock { $0 }) > idle { await consumer.close(); return }
            }
        }
        // The same checks as every service: only correctly signed events their emitter may emit count.
        let keys = try ServiceConfiguration.eventVerifier()
        var states: [AgreementID: Agreement] = [:]
        var seen = Set<UUID>()
        var applied = 0
        for try await message in consumer.messages {
            lastSeen.withLock { $0 = Date() }
            guard let decoded = try? keys.open(message),
                  case .agreement(let event) = decoded.event, seen.insert(decoded.id).inserted else { continue }
            if let next = try? AgreementDecider.evolve(states[event.agreementID], event) {
                states[event.agreementID] = next
                applied += 1
            }
        }
        watchdog.cancel()
        let digest = ProjectionDigest(service: "replay", agreements: Array(states.values), eventsApplied: applied)
        print(String(decoding: try JSON.encoder.encode(digest), as: UTF8.self))
    }
}

/// Makes a fresh set of event signing keys for the four services.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a fresh Ed25519 key pair per service as environment settings (WANGQIAN_EVENT_SIGNING_KEY per service, WANGQIAN_EVENT_PUBLIC_KEYS for all).")

    func run() async throws {
        var publics: [String] = []
        for service in EventKeyRing.emitters {
            let pair = EventKeyRing.generate()
            print("\(service.uppercased())_WANGQIAN_EVENT_SIGNING_KEY=\(pair.privateKey)")
            publics.append("\(service)=\(pair.publicKey)")
        }
        print("WANGQIAN_EVENT_PUBLIC_KEYS=\(publics.joined(separator: ","))")
    }
}

import AgreementContract
import Foundation
import Logging
import WangqianKafka
import WangqianPostgres

/// Everything a service reads from its environment. `@main` only builds this; the rest is plain code,
/// so tests and the demo run the same executables against other servers by changing variables only.
///
/// Variables (local defaults match `deploy/local/`):
/// - `WANGQIAN_PROFILE`: `production` (the default) or `development`. Only the development profile allows the
///   built-in development secrets and keys and the clock control; `deploy/local/env.sh` sets it, nothing else.
/// - `WANGQIAN_HTTP_HOST`, `<SERVICE>_HTTP_PORT` (or `WANGQIAN_HTTP_PORT`), `WANGQIAN_HTTP_IDLE_TIMEOUT_SECONDS`
/// - `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `<SERVICE>_PGDATABASE` (default `wangqian_<service>`)
/// - `KAFKA_BROKERS`, `WANGQIAN_TOPIC_PREFIX` (tests use a fresh prefix per run)
/// - `KAFKA_PROPERTIES` (every client) and `KAFKA_PRODUCER_PROPERTIES` (producers): comma-separated librdkafka
///   `key=value` pairs, e.g. `security.protocol=SASL_SSL,sasl.mechanism=PLAIN` on a production cluster
/// - `WANGQIAN_JWT_SECRET` (required, 32+ bytes, outside the development profile),
///   `WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS` (default 8 h)
/// - `WANGQIAN_EVENT_SIGNING_KEY` (this service's Ed25519 private key, base64) and `WANGQIAN_EVENT_PUBLIC_KEYS`
///   (`student=…,employer=…,college=…,scheduler=…`, base64): required outside the development profile
/// - `WANGQIAN_COMMAND_WAIT_MS`, `WANGQIAN_REPUBLISH_AFTER_MS` (0 turns the read-back confirmation off)
/// - `WANGQIAN_CLOCK_OFFSET_SECONDS`, `WANGQIAN_CLOCK_CONTROL` (scheduler only, development profile only)
/// - `LOG_LEVEL`
/// - Portals: `WANGQIAN_BASE_PATH` (default `/<service>`), `WANGQIAN_STUDENT_PORTAL_URL`,
///   `WANGQIAN_EMPLOYER_PORTAL_URL`, `WANGQIAN_COLLEGE_PORTAL_URL` (where links to the other portals point; default
///   the local port), `WANGQIAN_PUBLIC_URL` (this service as users reach it), `WANGQIAN_SECURE_COOKIES=1` (served
///   over TLS), `WANGQIAN_DEV_LOGIN=1` (the development login, development profile only)
/// - `WANGQIAN_VERIFY_SECRET` (32+ bytes, required outside the development profile by the services that print:
///   it keys the verification code on each printed copy)
public struct ServiceConfiguration: Sendable {
    /// Which conveniences are allowed: built-in secrets and the clock control exist only for development.
    public enum Profile: String, Codable, CaseIterable, Sendable {
        case production
        case development
    }

    /// A setting is missing or wrong; the service refuses to start and says which and why.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public var service: String
    public var profile: Profile
    public var httpHost: String
    public var httpPort: Int
    /// Idle keep-alive connections are closed after this long.
    public var httpIdleTimeout: Duration
    public var postgres: PostgresConfig
    /// Settings of every Kafka client (consumers, admin).
    public var kafka: KafkaConfig
    /// `kafka` plus the producer-only properties.
    public var producerKafka: KafkaConfig
    public var topicPrefix: String
    public var jwtSecret: String
    public var jwtSecretIsDevelopmentDefault: Bool
    /// Tokens valid for longer than this (from now, or from their `iat`) are refused, and none is minted longer.
    public var tokenMaxLifetime: TimeInterval
    /// This service's event signing key, and every emitter's public key.
    public var eventKeys: EventKeyRing
    public var eventKeysAreDevelopmentDefaults: Bool
    public var commandWait: Duration
    /// How long after the broker's acknowledgement an event not yet read back from the log is published again.
    public var republishAfter: Duration
    /// At most this many reference-data records (roster, registry) are published per second, so that a bulk import
    /// leaves the broker, the consumers and the CPUs to agreement commands; 0: unpaced.
    public var bulkPublishRate: Int
    public var clockOffsetSeconds: Double
    public var clockControlEnabled: Bool
    public var logLevel: Logger.Level
    /// The school code used in agreement numbers (year + school code + serial).
    public var schoolCode: String
    /// Fault injection for tests, development profile only (`WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION`, e.g.
    /// `roster,registry`): the first publication of each event on those topics is marked acknowledged but not
    /// sent, so the read-back confirmation must notice and publish it again.
    public var loseFirstPublication: Set<String>
    /// How this service's portal is reached and linked.
    public var portal: PortalSettings
    /// Keys the verification codes printed on each copy of an agreement (`WANGQIAN_VERIFY_SECRET`); the services
    /// that print (student, college) share it.
    public var verifySecret: String

    /// Where a portal lives and how its session cookie is set.
    public struct PortalSettings: Sendable {
        /// The path every page, link and cookie of this portal is under, e.g. `/student` (no trailing slash).
        public var basePath: String
        /// Each portal's address as users reach it (`student`, `employer`, `college`), base path included.
        public var portalURLs: [String: String]
        /// This service as users reach it (scheme, host, port), e.g. for the verification QR code.
        public var publicURL: String
        /// Cookies are marked Secure (the portal is served over TLS).
        public var secureCookies: Bool
        /// The development login, which lists demo identities: development profile only.
        public var developmentLogin: Bool

        public init(basePath: String, portalURLs: [String: String], publicURL: String, secureCookies: Bool, developmentLogin: Bool) {
            self.basePath = basePath
            self.portalURLs = portalURLs
            self.publicURL = publicURL
            self.secureCookies = secureCookies
            self.developmentLogin = developmentLogin
        }
    }

    /// Used only in the development profile.
    static let developmentJWTSecret = "wangqian-development-secret-change-me"
    static let developmentVerifySecret = "wangqian-development-verification-secret"

    public static func fromEnvironment(
        service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Invalid) -> ServiceConfiguration {
        let upper = service.uppercased()
        func value(_ key: String) -> String? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            return v
        }
        let profile = try profile(environment: environment)
        var postgres = PostgresConfig.fromEnvironment(database: "wangqian_\(service)", prefix: "\(upper)_", environment: environment)
        if let pool = value("WANGQIAN_PG_POOL_SIZE").flatMap(Int.init) { postgres.poolSize = pool }
        var kafka = KafkaConfig.fromEnvironment(clientId: "wangqian-\(service)", environment: environment)
        kafka.extra.merge(properties(value("KAFKA_PROPERTIES"))) { _, new in new }
        var producerKafka = kafka
        producerKafka.extra.merge(properties(value("KAFKA_PRODUCER_PROPERTIES"))) { _, new in new }

        let secret = try tokenSecret(profile: profile, environment: environment)
        let signingKey = value("WANGQIAN_EVENT_SIGNING_KEY"), publicKeys = value("WANGQIAN_EVENT_PUBLIC_KEYS")
        let eventKeys: EventKeyRing
        if signingKey == nil && publicKeys == nil {
            guard profile == .development else {
                throw Invalid(description: "WANGQIAN_EVENT_SIGNING_KEY and WANGQIAN_EVENT_PUBLIC_KEYS are not set: every service signs the events it publishes (`wangqianctl keys` makes a set; the built-in development keys are allowed only with WANGQIAN_PROFILE=development)")
            }
            eventKeys = EventKeyRing.development(for: service)
        } else {
            guard let signingKey, let publicKeys else {
                throw Invalid(description: "set both WANGQIAN_EVENT_SIGNING_KEY and WANGQIAN_EVENT_PUBLIC_KEYS, or neither (development profile only)")
            }
            do {
                eventKeys = try EventKeyRing(service: service, privateKeyBase64: signingKey, publicKeys: properties(publicKeys))
            } catch {
                throw Invalid(description: "event keys: \(error)")
            }
        }

        let maxLifetime = value("WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS").flatMap(Double.init) ?? 8 * 3600
        guard maxLifetime >= 60 else { throw Invalid(description: "WANGQIAN_TOKEN_MAX_LIFETIME_SECONDS must be at least 60") }
        let clockControl = value("WANGQIAN_CLOCK_CONTROL") == "1"
        if clockControl, profile != .development {
            throw Invalid(description: "WANGQIAN_CLOCK_CONTROL=1 is allowed only with WANGQIAN_PROFILE=development")
        }
        let faults = Set((value("WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        })
        guard faults.isSubset(of: ["agreement", "roster", "registry"]) else {
            throw Invalid(description: "WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION takes agreement, roster and registry")
        }
        if !faults.isEmpty, profile != .development {
            throw Invalid(description: "WANGQIAN_FAULT_LOSE_FIRST_PUBLICATION is allowed only with WANGQIAN_PROFILE=development")
        }
        let devLogin = value("WANGQIAN_DEV_LOGIN") == "1"
        if devLogin, profile != .development {
            throw Invalid(description: "WANGQIAN_DEV_LOGIN=1 is allowed only with WANGQIAN_PROFILE=development")
        }
        let host = value("WANGQIAN_HTTP_HOST") ?? "127.0.0.1"
        let httpPort = value("\(upper)_HTTP_PORT").flatMap(Int.init) ?? value("WANGQIAN_HTTP_PORT").flatMap(Int.init) ?? defaultPort
        let basePath = "/" + (value("WANGQIAN_BASE_PATH") ?? service).split(separator: "/").joined(separator: "/")
        let publicURL = String((value("WANGQIAN_PUBLIC_URL") ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(httpPort)").trimmingSuffix("/"))
        var portalURLs: [String: String] = [:]
        for (other, port) in [("student", 8081), ("employer", 8082), ("college", 8083)] {
            let otherPort = value("\(other.uppercased())_HTTP_PORT").flatMap(Int.init) ?? port
            portalURLs[other] = value("WANGQIAN_\(other.uppercased())_PORTAL_URL").map { String($0.trimmingSuffix("/")) }
                ?? (other == service ? publicURL + basePath : "http://127.0.0.1:\(otherPort)/\(other)")
        }
        let portal = PortalSettings(
            basePath: basePath, portalURLs: portalURLs, publicURL: publicURL,
            secureCookies: value("WANGQIAN_SECURE_COOKIES") == "1" || publicURL.hasPrefix("https:"),
            developmentLogin: devLogin)
        let verifySecret: String
        if let secret = value("WANGQIAN_VERIFY_SECRET") {
            guard secret.utf8.count >= 32 else { throw Invalid(description: "WANGQIAN_VERIFY_SECRET must be at least 32 bytes long") }
            verifySecret = secret
        } else if profile == .development || !["student", "college"].contains(service) {
            verifySecret = developmentVerifySecret
        } else {
            throw Invalid(description: "WANGQIAN_VERIFY_SECRET is not set: the \(service) service prints agreements, whose verification codes it keys (a random secret of at least 32 bytes, shared by the student and college services; the built-in one is allowed only with WANGQIAN_PROFILE=development)")
        }
        return ServiceConfiguration(
            service: service,
            profile: profile,
            httpHost: host,
            httpPort: httpPort,
            httpIdleTimeout: .seconds(value("WANGQIAN_HTTP_IDLE_TIMEOUT_SECONDS").flatMap(Int.init) ?? 30),
            postgres: postgres,
            kafka: kafka,
            producerKafka: producerKafka,
            topicPrefix: value("WANGQIAN_TOPIC_PREFIX") ?? "",
            jwtSecret: secret,
            jwtSecretIsDevelopmentDefault: value("WANGQIAN_JWT_SECRET") == nil,
            tokenMaxLifetime: maxLifetime,
            eventKeys: eventKeys,
            eventKeysAreDevelopmentDefaults: signingKey == nil,
            commandWait: .milliseconds(value("WANGQIAN_COMMAND_WAIT_MS").flatMap(Int.init) ?? 5000),
            republishAfter: .milliseconds(value("WANGQIAN_REPUBLISH_AFTER_MS").flatMap(Int.init) ?? 2000),
            bulkPublishRate: max(0, value("WANGQIAN_BULK_PUBLISH_RATE").flatMap(Int.init) ?? Self.defaultBulkPublishRate),
            clockOffsetSeconds: value("WANGQIAN_CLOCK_OFFSET_SECONDS").flatMap(Double.init) ?? 0,
            clockControlEnabled: clockControl,
            logLevel: value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info,
            schoolCode: value("WANGQIAN_SCHOOL_CODE") ?? "10001",
            loseFirstPublication: faults,
            portal: portal,
            verifySecret: verifySecret
        )
    }

    /// Reference-data records published per second unless `WANGQIAN_BULK_PUBLISH_RATE` says otherwise (measured
    /// in `bench/roster_import_latency.py`).
    public static let defaultBulkPublishRate = 300

    /// The profile named by `WANGQIAN_PROFILE`.
    public static func profile(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) -> Profile {
        switch environment["WANGQIAN_PROFILE"].flatMap({ $0.isEmpty ? nil : $0 }) ?? "production" {
        case "production": return .production
        case "development": return .development
        case let other: throw Invalid(description: "WANGQIAN_PROFILE must be production or development, not \(other)")
        }
    }

    /// `WANGQIAN_JWT_SECRET`, or the development secret in the development profile.
    public static func tokenSecret(profile: Profile, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) -> String {
        guard let secret = environment["WANGQIAN_JWT_SECRET"], !secret.isEmpty else {
            guard profile == .development else {
                throw Invalid(description: "WANGQIAN_JWT_SECRET is not set: set a random secret of at least 32 bytes, shared by the four services (the built-in development secret is allowed only with WANGQIAN_PROFILE=development)")
            }
            return developmentJWTSecret
        }
        guard secret.utf8.count >= 32 else { throw Invalid(description: "WANGQIAN_JWT_SECRET must be at least 32 bytes long") }
        return secret
    }

    /// A ring that verifies events from `WANGQIAN_EVENT_PUBLIC_KEYS` (or the development keys), for tools.
    public static func eventVerifier(environment: [String: String] = ProcessInfo.processInfo.environment) throws(Invalid) -> EventKeyRing {
        let profile = try profile(environment: environment)
        guard let keys = environment["WANGQIAN_EVENT_PUBLIC_KEYS"], !keys.isEmpty else {
            guard profile == .development else { throw Invalid(description: "WANGQIAN_EVENT_PUBLIC_KEYS is not set") }
            return EventKeyRing.development(for: "")
        }
        do { return try EventKeyRing(verifyingWith: properties(keys)) } catch { throw Invalid(description: "event keys: \(error)") }
    }

    /// For `@main`: the configuration, or a readable message on standard error and exit status 78 (EX_CONFIG).
    public static func load(service: String, defaultPort: Int) -> ServiceConfiguration {
        do {
            return try fromEnvironment(service: service, defaultPort: defaultPort)
        } catch {
            FileHandle.standardError.write(Data("wangqian-\(service): refusing to start: \(error)\n".utf8))
            exit(78)
        }
    }

    /// Parses `a=1,b=2` into key-value pairs; malformed pairs are ignored.
    static func properties(_ text: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (text ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, !kv[0].isEmpty { result[kv[0]] = kv[1] }
        }
        return result
    }
}

extension String {
    func trimmingSuffix(_ suffix: Character) -> Substring {
        var s = Substring(self)
        while s.last == suffix { s = s.dropLast() }
        return s
    }
}

import Foundation
import Hummingbird
import WangqianPostgres

/// What operators look at: readiness, the status page (outbox, parked events, consumers, dead letters) and the
/// projection's digest, read from the database and the consumers' progress.
struct ServiceHealth: Sendable {
    let service: String
    let profile: ServiceConfiguration.Profile
    let pool: PostgresPool
    let progress: ConsumerProgress

    enum Readiness: String, Codable, CaseIterable, Sendable { case ready, notReady = "not_ready" }
    enum DatabaseState: String, Codable, CaseIterable, Sendable { case ok, unavailable }

    struct Health: Codable, Sendable {
        var status: Readiness
        var service: String
        var database: DatabaseState
        var consumerStarted: Bool
        var eventsApplied: Int
        var outboxBacklog: Int?
        /// Why the service cannot make progress, when it cannot.
        var problem: String?
    }

    /// Ready unless the service cannot make progress at all: the database is unreachable, a consumer stopped, or
    /// stored offsets lie beyond the log. A backlog, or a consumer retrying a passing failure, is not unready.
    func health() async -> Health {
        var problem: String?
        var backlog: Int?
        do { backlog = try await Outbox.backlog(on: pool) } catch { problem = "database unreachable: \(error)" }
        let started = await progress.hasStarted
        if problem == nil { problem = await progress.blockingProblem }
        if problem == nil, !started { problem = "consumers starting" }
        return Health(status: problem == nil ? .ready : .notReady, service: service,
                      database: backlog == nil ? .unavailable : .ok, consumerStarted: started,
                      eventsApplied: await progress.eventsApplied, outboxBacklog: backlog, problem: problem)
    }

    /// What an operator needs to see: the outbox per topic, parked events, consumers and dead letters.
    struct ServiceStatus: Codable, ResponseEncodable, Sendable {
        var service: String
        var profile: ServiceConfiguration.Profile
        var ready: Bool
        var problem: String?
        var database: DatabaseState
        var outbox: [Outbox.LaneStatus]
        var parkedEvents: [Outbox.ParkedEvent]
        var consumers: [ConsumerProgress.ConsumerStatus]
        var deadLetters: Int?
        /// What to do about a problem, in plain words.
        var advice: [String]
    }

    func status() async -> ServiceStatus {
        let health = await health()
        let lanes = (try? await Outbox.lanes(on: pool)) ?? []
        let parked = (try? await Outbox.parked(limit: 50, on: pool)) ?? []
        let deadLetters = try? await pool.query("select count(*)::bigint as n from dead_letters")[0].decode("n", as: Int64.self)
        let consumers = await progress.statuses
        var advice: [String] = []
        if health.database != .ok { advice.append("PostgreSQL is unreachable: check the database server and the PG* settings; the service retries by itself.") }
        if consumers.contains(where: { $0.state == .offsetsBeyondLog }) {
            advice.append("The broker no longer holds records this service already applied (for example the local in-memory broker was restarted, or the topics were recreated). New events are not consumed, so that none is skipped silently. Restore the broker's data, or start this service on fresh databases and topics (locally: bash deploy/local/down.sh, then bash deploy/local/up.sh).")
        }
        if consumers.contains(where: { $0.state == .retrying }) { advice.append("A consumer is retrying: see its reason; it resumes by itself once the cause is gone.") }
        if !parked.isEmpty { advice.append("Parked events will not be published again; their commands report failed. See each reason.") }
        return ServiceStatus(service: service, profile: profile, ready: health.status == .ready,
                             problem: health.problem, database: health.database, outbox: lanes, parkedEvents: parked,
                             consumers: consumers, deadLetters: deadLetters.map { Int($0) }, advice: advice)
    }
}

extension ServiceHealth {
    func digest() async throws -> ProjectionDigest {
        try await ProjectionDigest.load(service: service, pool: pool, progress: progress)
    }
}

import AgreementDomain
import Foundation
import Hummingbird
import WangqianPostgres

extension ServiceRuntime {
    /// Health, the OpenAPI document, command outcomes, and the projection endpoints every service serves.
    func addCommonRoutes(to router: Router<AppRequestContext>, openAPI: String, commandRoles: Set<Role>) {
        let runtime = self
        router.get("/health/live") { _, _ in ["status": "ok", "service": runtime.config.service] }
        router.get("/health/ready") { _, _ -> Response in
            let health = await runtime.health()
            var response = try JSON.encoder.encodeResponse(health)
            response.status = health.status == "ready" ? .ok : .serviceUnavailable
            return response
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
        router.get("/v1/commands/:id") { request, context -> CommandStatus in
            let identity = try await runtime.tokens.authenticate(request, allowing: commandRoles)
            let id = try context.parameters.uuid("id")
            // A command's outcome is shown only to those who may see its agreement.
            let rows = try await runtime.pool.query("""
                select agreement_id::text as agreement from agreement_history where event_id = \(id)
                union all select key as agreement from outbox where event_id = \(id) limit 1
                """)
            guard let raw = try rows.first?.decode("agreement", as: String.self), let uuid = UUID(uuidString: raw) else {
                throw APIError.notFound("没有找到该操作")
            }
            let agreementID = AgreementID(uuid)
            // Visible, or (for its student) not recorded yet: the agreement is loaded a second time only then.
            var allowed = try await AgreementProjection.visible(agreementID, to: identity, on: runtime.pool) != nil
            if !allowed, identity.canSeeMissing(agreementID) {
                allowed = try await AgreementProjection.load(agreementID, on: runtime.pool) == nil
            }
            guard allowed else {
                throw APIError.notFound("没有找到该操作")
            }
            if let (outcome, refusal, _) = try await AgreementProjection.outcome(of: id, on: runtime.pool) {
                return CommandStatus(commandId: id.wire, outcome: outcome, error: refusal.map(CommandStatus.ErrorBody.init))
            }
            if let reason = try await Outbox.parkReason(of: id, on: runtime.pool) {
                let failure = APIError.commandFailed(reason)
                return CommandStatus(commandId: id.wire, outcome: "failed", error: .init(code: failure.code, message: failure.message))
            }
            return CommandStatus(commandId: id.wire, outcome: "pending", error: nil)
        }
        router.get("/v1/projection/agreements/:id") { request, context -> AgreementView in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            let id = AgreementID(try context.parameters.uuid("id"))
            guard let agreement = try await AgreementProjection.load(id, on: runtime.pool) else {
                throw APIError.notFound("没有找到该协议")
            }
            return try await AgreementView.load(agreement, runtime: runtime)
        }
        router.get("/v1/status") { request, _ -> ServiceStatus in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            return await runtime.status()
        }
        router.get("/v1/projection/digest") { request, _ -> ProjectionDigest in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            return try await ProjectionDigest.load(service: runtime.config.service, pool: runtime.pool, progress: runtime.progress)
        }
    }

    struct Health: Encodable, Sendable {
        var status: String
        var service: String
        var database: String
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
        return Health(status: problem == nil ? "ready" : "not_ready", service: config.service,
                      database: backlog == nil ? "unavailable" : "ok", consumerStarted: started,
                      eventsApplied: await progress.eventsApplied, outboxBacklog: backlog, problem: problem)
    }

    /// What an operator needs to see: the outbox per topic, parked events, consumers and dead letters.
    struct ServiceStatus: ResponseEncodable, Sendable {
        var service: String
        var profile: String
        var ready: Bool
        var problem: String?
        var database: String
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
        if health.database != "ok" { advice.append("PostgreSQL is unreachable: check the database server and the PG* settings; the service retries by itself.") }
        if consumers.contains(where: { $0.state == "offsetsBeyondLog" }) {
            advice.append("The broker no longer holds records this service already applied (for example the local in-memory broker was restarted, or the topics were recreated). New events are not consumed, so that none is skipped silently. Restore the broker's data, or start this service on fresh databases and topics (locally: bash deploy/local/down.sh, then bash deploy/local/up.sh).")
        }
        if consumers.contains(where: { $0.state == "retrying" }) { advice.append("A consumer is retrying: see its reason; it resumes by itself once the cause is gone.") }
        if !parked.isEmpty { advice.append("Parked events will not be published again; their commands report failed. See each reason.") }
        return ServiceStatus(service: config.service, profile: config.profile.rawValue, ready: health.status == "ready",
                             problem: health.problem, database: health.database, outbox: lanes, parkedEvents: parked,
                             consumers: consumers, deadLetters: deadLetters.map { Int($0) }, advice: advice)
    }
}

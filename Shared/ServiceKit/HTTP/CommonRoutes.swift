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
            guard identity.canSee(agreementID, agreement: try await AgreementProjection.load(agreementID, on: runtime.pool)) else {
                throw APIError.notFound("没有找到该操作")
            }
            if let (outcome, refusal) = try await AgreementProjection.outcome(of: id, on: runtime.pool) {
                return CommandStatus(commandId: id.wire, outcome: outcome, error: refusal.map(CommandStatus.ErrorBody.init))
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
    }

    func health() async -> Health {
        var database = "ok"
        var backlog: Int?
        do { backlog = try await Outbox.backlog(on: pool) } catch { database = "unavailable" }
        let started = await progress.hasStarted
        return Health(status: database == "ok" && started ? "ready" : "not_ready", service: config.service,
                      database: database, consumerStarted: started, eventsApplied: await progress.eventsApplied,
                      outboxBacklog: backlog)
    }
}

struct CommandStatus: ResponseEncodable, Sendable {
    struct ErrorBody: Encodable, Sendable {
        var code: String
        var message: String
        init(_ refusal: AgreementRefusal) { code = refusal.code.rawValue; message = refusal.message }
    }
    var commandId: String
    var outcome: String
    var error: ErrorBody?
}

/// A whole projection, for comparing services with each other and with a fresh replay of the log.
public struct ProjectionDigest: ResponseEncodable, Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var status: String
        public var version: Int
        public var state: Agreement
    }
    public var service: String
    public var agreements: [Entry]
    public var eventsApplied: Int?

    public init(service: String, agreements: [Agreement], eventsApplied: Int?) {
        self.service = service
        self.agreements = agreements.sorted { $0.id.uuid.wire < $1.id.uuid.wire }
            .map { Entry(id: $0.id.uuid.wire, status: $0.status.rawValue, version: $0.version, state: $0) }
        self.eventsApplied = eventsApplied
    }

    static func load(service: String, pool: PostgresPool, progress: ConsumerProgress) async throws -> ProjectionDigest {
        let rows = try await pool.query("select state from agreements")
        let agreements = try rows.map { try $0.decode("state", as: PostgresJSON<Agreement>.self).value }
        return ProjectionDigest(service: service, agreements: agreements, eventsApplied: nil)
    }
}

extension Parameters {
    /// A UUID path parameter; a malformed one is a 404 (nothing by that name exists).
    func uuid(_ name: String) throws -> UUID {
        guard let s = self.get(name), let id = UUID(uuidString: s) else { throw APIError.notFound("没有找到该记录") }
        return id
    }
}

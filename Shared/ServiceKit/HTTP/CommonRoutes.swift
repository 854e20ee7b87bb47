import AgreementDomain
import Foundation
import Hummingbird
import WangqianPostgres

/// Health, the OpenAPI document, command outcomes, and the projection endpoints every service serves.
struct CommonRoutes: Sendable {
    let tokens: TokenAuthority
    let agreements: any AgreementReading
    let health: ServiceHealth
    let openAPI: String
    /// The roles this service takes commands from (who may look up their outcomes).
    let commandRoles: Set<Role>

    func add(to router: Router<AppRequestContext>) {
        let (tokens, agreements, health, openAPI, commandRoles) = (self.tokens, self.agreements, self.health, self.openAPI, self.commandRoles)
        router.get("/health/live") { _, _ in Liveness(service: health.service) }
        router.get("/health/ready") { _, _ -> Response in
            let health = await health.health()
            var response = try JSON.encoder.encodeResponse(health)
            response.status = health.status == .ready ? .ok : .serviceUnavailable
            return response
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
        router.get("/v1/commands/:id") { request, context -> CommandStatus in
            let identity = try await tokens.authenticate(request, allowing: commandRoles)
            let id = try context.parameters.uuid("id")
            // A command's outcome is shown only to those who may see its agreement.
            guard let agreementID = try await agreements.agreementOfCommand(id) else {
                throw APIError.notFound("没有找到该操作")
            }
            // Visible, or (for its student) not recorded yet: the agreement is loaded a second time only then.
            var allowed = try await agreements.visible(agreementID, to: identity) != nil
            if !allowed, identity.canSeeMissing(agreementID) {
                allowed = try await agreements.agreement(agreementID) == nil
            }
            guard allowed else {
                throw APIError.notFound("没有找到该操作")
            }
            if let (outcome, refusal, _) = try await agreements.outcome(of: id) {
                return CommandStatus(commandId: id.wire, outcome: outcome == .applied ? .applied : .refused, error: refusal.map(CommandStatus.ErrorBody.init))
            }
            if let reason = try await agreements.parkReason(of: id) {
                let failure = APIError.commandFailed(reason)
                return CommandStatus(commandId: id.wire, outcome: .failed, error: .init(code: failure.code, message: failure.message))
            }
            return CommandStatus(commandId: id.wire, outcome: .pending, error: nil)
        }
        router.get("/v1/projection/agreements/:id") { request, context -> AgreementView in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            let id = AgreementID(try context.parameters.uuid("id"))
            guard let agreement = try await agreements.agreement(id) else {
                throw APIError.notFound("没有找到该协议")
            }
            return try await agreements.view(of: agreement)
        }
        router.get("/v1/status") { request, _ -> ServiceHealth.ServiceStatus in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            return await health.status()
        }
        router.get("/v1/projection/digest") { request, _ -> ProjectionDigest in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            return try await health.digest()
        }
    }
}


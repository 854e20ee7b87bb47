import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

/// The employer's backend. An employer sees and handles only agreements addressed to it.
struct EmployerRoutes: Sendable {
    let tokens: TokenAuthority
    let actions: EmployerActions
    var agreements: any AgreementReading { actions.agreements }

    struct RegistrationRequest: Decodable {
        var name: String
        var creditCode: String
        var type: String
        var industry: String
        var location: String
        var contactPerson: String
        var contactPhone: String
        var address: String
        var postalCode: String
        var archiveAddress: String?

        func employer(_ id: String) -> EmployerSnapshot {
            EmployerSnapshot(employerID: id, name: name, creditCode: creditCode, type: type, industry: industry,
                             location: location, contactPerson: contactPerson, contactPhone: contactPhone,
                             address: address, postalCode: postalCode, archiveAddress: archiveAddress)
        }
    }

    struct SignRequest: Decodable {
        var employerOpinion: String
        var supervisorOpinion: String?
        var employer: EmployerSnapshot?
    }


    struct BatchSignRequest: Decodable {
        var agreementIDs: [String]
        var employerOpinion: String
        var supervisorOpinion: String?
    }

    struct BatchResponse: Codable, ResponseEncodable { var results: [EmployerActions.BatchResult]; var applied: Int; var failed: Int }
    struct AccountList: Codable, ResponseEncodable { var employers: [EmployerAccounts.Account] }
    struct PendingCount: Codable, ResponseEncodable { var unhandled: Int }

    func add(to router: Router<AppRequestContext>) {
        router.post("/v1/employers/registration") { request, context -> EmployerAccounts.Account in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            let body = try await request.decodeBody(as: RegistrationRequest.self, context: context)
            return try await actions.register(body.employer(identity.subject))
        }
        router.get("/v1/employers/me") { request, _ -> EmployerAccounts.Account in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            guard let account = try await actions.accounts.account(identity.subject) else {
                throw APIError.notFound("单位尚未注册")
            }
            return account
        }
        router.get("/v1/employers") { request, _ -> AccountList in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            var status: EmployerAccounts.Status?
            if let raw = try request.query("status") {
                guard let known = EmployerAccounts.Status(rawValue: raw) else {
                    throw APIError.validation("status 只能是 pending 或 approved", field: "status")
                }
                status = known
            }
            return AccountList(employers: try await actions.accounts.accounts(status: status))
        }
        router.post("/v1/employers/:employerID/approve") { request, context -> EmployerAccounts.Account in
            let identity = try await tokens.authenticate(request, allowing: [.employmentOffice])
            return try await actions.approve(try context.parameters.identifier("employerID", label: "单位编号"), by: identity)
        }
        router.get("/v1/agreements/pending-count") { request, _ -> PendingCount in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            return PendingCount(unhandled: try await actions.pendingCount(for: identity))
        }
        router.get("/v1/agreements") { request, _ -> AgreementList in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            guard let view = EmployerActions.View(rawValue: try request.query("view") ?? "pending") else {
                throw APIError.validation("view 只能是 pending、signed 或 all", field: "view")
            }
            return AgreementList(agreements: try await actions.list(view, query: try request.query("q"), for: identity))
        }
        router.get("/v1/agreements/:id") { request, context -> AgreementView in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            return try await agreements.view(of: try await self.own(context, identity))
        }
        router.post("/v1/agreements/:id/sign") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: SignRequest.self, context: context)
            return try await self.respond(try await actions.sign(agreement, opinion: body.employerOpinion, supervisor: body.supervisorOpinion,
                                                                 corrected: body.employer, by: identity))
        }
        router.post("/v1/agreements/:id/return") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: ReasonRequest.self, context: context)
            return try await self.respond(try await actions.giveBack(agreement, reason: body.reason, by: identity))
        }
        router.post("/v1/agreements/:id/take-back") { request, context -> Response in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: ReasonRequest.self, context: context)
            return try await self.respond(try await actions.takeBack(agreement, reason: body.reason, by: identity))
        }
        router.post("/v1/agreements/batch-sign") { request, context -> BatchResponse in
            let identity = try await tokens.authenticate(request, allowing: [.employer])
            let body = try await request.decodeBody(as: BatchSignRequest.self, context: context)
            let results = try await actions.batchSign(body.agreementIDs, opinion: body.employerOpinion,
                                                      supervisor: body.supervisorOpinion, by: identity)
            // `applied` counts what was signed now; `pending` and `unchanged` items are neither applied nor failed.
            return BatchResponse(results: results, applied: results.count(of: .applied), failed: results.count(of: .refused))
        }
    }

    private func own(_ context: AppRequestContext, _ identity: Identity) async throws -> AgreementProjection.Visible {
        try await actions.visible(try context.parameters.get("id"), to: identity)
    }

    private func respond(_ result: CommandResult) async throws -> Response {
        try await CommandResponse.from(result, views: agreements)
    }
}

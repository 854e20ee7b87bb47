import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

/// The employer's backend. An employer sees and handles only agreements addressed to it.
struct EmployerRoutes: Sendable {
    let runtime: ServiceRuntime
    var commands: AgreementCommands { AgreementCommands(runtime: runtime) }

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
    }

    struct SignRequest: Decodable {
        var employerOpinion: String
        var supervisorOpinion: String?
        var employer: EmployerSnapshot?
    }

    struct ReasonRequest: Decodable { var reason: String }

    struct BatchSignRequest: Decodable {
        var agreementIDs: [String]
        var employerOpinion: String
        var supervisorOpinion: String?
    }

    struct BatchResult: Encodable, Sendable {
        var agreementID: String
        var outcome: String
        var commandId: String?
        var error: ErrorBody?
        struct ErrorBody: Encodable, Sendable { var code: String; var message: String }
    }

    struct BatchResponse: ResponseEncodable { var results: [BatchResult]; var applied: Int; var failed: Int }
    struct AccountList: ResponseEncodable { var employers: [EmployerAccounts.Account] }
    struct PendingCount: ResponseEncodable { var unhandled: Int }
    struct AgreementList: ResponseEncodable { var agreements: [AgreementSummary] }

    func add(to router: Router<AppRequestContext>) {
        router.post("/v1/employers/registration") { request, context -> EmployerAccounts.Account in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let body = try await request.decodeBody(as: RegistrationRequest.self, context: context)
            let employer = EmployerSnapshot(
                employerID: identity.subject, name: body.name, creditCode: body.creditCode, type: body.type,
                industry: body.industry, location: body.location, contactPerson: body.contactPerson,
                contactPhone: body.contactPhone, address: body.address, postalCode: body.postalCode,
                archiveAddress: body.archiveAddress)
            try Self.validate(employer)
            return try await EmployerAccounts.register(employer, runtime: runtime)
        }
        router.get("/v1/employers/me") { request, _ -> EmployerAccounts.Account in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            guard let account = try await EmployerAccounts.account(identity.subject, pool: runtime.pool) else {
                throw APIError.notFound("单位尚未注册")
            }
            return account
        }
        router.get("/v1/employers") { request, _ -> AccountList in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            let status = try request.query("status")
            if let status, !["pending", "approved"].contains(status) {
                throw APIError.validation("status 只能是 pending 或 approved", field: "status")
            }
            return AccountList(employers: try await EmployerAccounts.accounts(status: status, pool: runtime.pool))
        }
        router.post("/v1/employers/:employerID/approve") { request, context -> EmployerAccounts.Account in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            let id = try context.parameters.identifier("employerID", label: "单位编号")
            guard let account = try await EmployerAccounts.approve(id, by: identity.subject, runtime: runtime) else {
                throw APIError.notFound("没有找到该单位")
            }
            return account
        }
        router.get("/v1/agreements/pending-count") { request, _ -> PendingCount in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let row = try await runtime.pool.query("""
                select count(*)::bigint as n from agreements where employer_visible = \(identity.subject)
                  and employer_status = any(\(AgreementStatus.allCases.filter(\.awaitingEmployer).map(\.rawValue))::text[])
                """)[0]
            return PendingCount(unhandled: Int(try row.decode("n", as: Int64.self)))
        }
        router.get("/v1/agreements") { request, _ -> AgreementList in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let view = try request.query("view") ?? "pending"
            let statuses: [AgreementStatus] = switch view {
            case "pending": AgreementStatus.allCases.filter(\.awaitingEmployer)
            case "signed": AgreementStatus.allCases.filter(\.isSignedByEmployer)
            case "all": AgreementStatus.allCases
            default: throw APIError.validation("view 只能是 pending、signed 或 all", field: "view")
            }
            return AgreementList(agreements: try await AgreementSummary.search(
                on: runtime.pool, employerID: identity.subject, statuses: statuses, query: try request.query("q")))
        }
        router.get("/v1/agreements/:id") { request, context -> AgreementView in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            return try await AgreementView.load(try await self.own(context, identity), runtime: runtime)
        }
        router.post("/v1/agreements/:id/sign") { request, context -> Response in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: SignRequest.self, context: context)
            return try await self.respond(try await self.sign(agreement, body.employerOpinion, body.supervisorOpinion, body.employer, identity))
        }
        router.post("/v1/agreements/:id/return") { request, context -> Response in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: ReasonRequest.self, context: context)
            return try await self.respond(try await commands.execute(.employerReturn(reason: body.reason), on: agreement, by: identity.actor))
        }
        router.post("/v1/agreements/:id/take-back") { request, context -> Response in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let agreement = try await self.own(context, identity).current
            let body = try await request.decodeBody(as: ReasonRequest.self, context: context)
            return try await self.respond(try await commands.execute(.employerTakeBack(reason: body.reason), on: agreement, by: identity.actor))
        }
        router.post("/v1/agreements/batch-sign") { request, context -> BatchResponse in
            let identity = try await runtime.tokens.authenticate(request, allowing: [.employer])
            let body = try await request.decodeBody(as: BatchSignRequest.self, context: context)
            guard !body.agreementIDs.isEmpty else { throw APIError.validation("请至少选择一份协议", field: "agreementIDs") }
            guard body.agreementIDs.count <= 200 else { throw APIError.validation("一次最多批量签约 200 份", field: "agreementIDs") }
            // The opinions are the same for every item: a problem with them is the request's, not each item's.
            try checked { () throws(AgreementRefusal) in
                try AgreementValidation.validate(employerOpinion: body.employerOpinion, supervisorOpinion: body.supervisorOpinion)
            }
            let results = await withTaskGroup(of: (Int, BatchResult).self) { group in
                for (index, raw) in body.agreementIDs.enumerated() {
                    group.addTask {
                        (index, await self.batchItem(raw, body: body, identity: identity))
                    }
                }
                var all = [BatchResult?](repeating: nil, count: body.agreementIDs.count)
                for await (i, r) in group { all[i] = r }
                return all.compactMap { $0 }
            }
            // `applied` counts what was signed now; `pending` and `unchanged` items are neither applied nor failed.
            return BatchResponse(results: results, applied: results.filter { $0.outcome == "applied" }.count,
                                 failed: results.filter { $0.outcome == "refused" }.count)
        }
    }

    private func batchItem(_ raw: String, body: BatchSignRequest, identity: Identity) async -> BatchResult {
        do {
            let agreement = try await AgreementProjection.visible(id: raw, to: identity, on: runtime.pool).current
            switch try await sign(agreement, body.employerOpinion, body.supervisorOpinion, nil, identity) {
            case .applied(let id, _): return BatchResult(agreementID: raw, outcome: "applied", commandId: id.wire)
            case .pending(let id): return BatchResult(agreementID: raw, outcome: "pending", commandId: id.wire)
            case .unchanged: return BatchResult(agreementID: raw, outcome: "unchanged")
            }
        } catch {
            if let error = APIError(mapping: error) {
                return BatchResult(agreementID: raw, outcome: "refused", error: .init(code: error.code, message: error.message))
            }
            runtime.logger.error("batch signing item failed", metadata: ["error": "\(error)"])
            return BatchResult(agreementID: raw, outcome: "refused", error: .init(code: "internal", message: "系统繁忙，请稍后重试"))
        }
    }

    private func sign(_ agreement: Agreement, _ opinion: String, _ supervisor: String?, _ corrected: EmployerSnapshot?,
                      _ identity: Identity) async throws -> CommandResult {
        // The employer-information section defaults to what the student chose; corrections keep the employer's ID.
        guard var employer = corrected ?? agreement.employer else { throw APIError.notFound("没有找到该协议") }
        employer.employerID = identity.subject
        // The decider validates the whole section (fields named `employer.…`).
        let section = EmployerSection(employer: employer, employerOpinion: opinion, supervisorOpinion: supervisor)
        return try await commands.execute(.employerSign(section: section), on: agreement, by: identity.actor)
    }

    /// The agreement named in the path, if it was submitted to the caller (``EmployerVisibility``); anything else
    /// is "not found".
    private func own(_ context: AppRequestContext, _ identity: Identity) async throws -> AgreementProjection.Visible {
        try await AgreementProjection.visible(id: context.parameters.get("id"), to: identity, on: runtime.pool)
    }

    private func respond(_ result: CommandResult) async throws -> Response {
        try await CommandResponse.from(result, runtime: runtime)
    }

    static func validate(_ employer: EmployerSnapshot) throws {
        try checked { () throws(AgreementRefusal) in try AgreementValidation.validate(employer) }
    }
}

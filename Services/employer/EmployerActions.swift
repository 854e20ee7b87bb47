import AgreementDomain
import Foundation
import Logging
import ServiceKit
import WangqianPostgres

/// What an employer (and the office, for registrations) can do, for the JSON API (`EmployerRoutes`) and the
/// portal (`EmployerPortal`) alike. It decides nothing itself: the decider and the registry do.
struct EmployerActions: Sendable {
    let accounts: any EmployerRegistrations
    let agreements: any AgreementReading
    let commands: AgreementCommands
    let logger: Logger

    /// 待签约信息 / 已签约信息 / everything addressed to the employer.
    enum View: String, Sendable {
        case pending, signed, all
        var statuses: [AgreementStatus] {
            switch self {
            case .pending: AgreementStatus.allCases.filter(\.awaitingEmployer)
            case .signed: AgreementStatus.allCases.filter(\.isSignedByEmployer)
            case .all: AgreementStatus.allCases
            }
        }
    }

    func list(_ view: View, query: String?, for identity: Identity) async throws -> [AgreementSummary] {
        try await agreements.summaries(AgreementSearch(employerID: identity.subject, statuses: view.statuses, query: query))
    }

    /// The unhandled count shown on 待签约信息.
    func pendingCount(for identity: Identity) async throws -> Int {
        try await agreements.count(employerID: identity.subject, statuses: View.pending.statuses)
    }

    /// The agreement `id` if it was submitted to the caller (``EmployerVisibility``); anything else is "not found".
    func visible(_ id: String?, to identity: Identity) async throws -> AgreementProjection.Visible {
        try await agreements.visible(id, to: identity)
    }

    /// 确定签约. The employer section defaults to what the student chose; corrections keep the employer's ID.
    func sign(_ agreement: Agreement, opinion: String, supervisor: String?, corrected: EmployerSnapshot?,
              by identity: Identity) async throws -> CommandResult {
        guard var employer = corrected ?? agreement.employer else { throw APIError.notFound("没有找到该协议") }
        employer.employerID = identity.subject
        // The decider validates the whole section (fields named `employer.…`).
        let section = EmployerSection(employer: employer, employerOpinion: opinion, supervisorOpinion: supervisor)
        return try await commands.execute(.employerSign(section: section), on: agreement, by: identity.actor)
    }

    /// 退回/拒绝签约.
    func giveBack(_ agreement: Agreement, reason: String, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.employerReturn(reason: reason), on: agreement, by: identity.actor)
    }

    /// 拿回重签.
    func takeBack(_ agreement: Agreement, reason: String, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.employerTakeBack(reason: reason), on: agreement, by: identity.actor)
    }

    /// One row of 批量签约's answer.
    struct BatchResult: Codable, Sendable {
        /// Signed now, recorded but not applied yet, already signed, or refused (with the refusal).
        enum Outcome: String, Codable, CaseIterable, Sendable { case applied, pending, unchanged, refused }
        var agreementID: String
        var outcome: Outcome
        var commandId: String?
        var error: ErrorBody?
        struct ErrorBody: Codable, Sendable { var code: String; var message: String }
    }

    static let maxBatch = 200

    /// 批量签约: the same opinions for every agreement, a result per agreement, in the order given.
    func batchSign(_ ids: [String], opinion: String, supervisor: String?, by identity: Identity) async throws -> [BatchResult] {
        guard !ids.isEmpty else { throw APIError.validation("请至少选择一份协议", field: "agreementIDs") }
        guard ids.count <= Self.maxBatch else { throw APIError.validation("一次最多批量签约 \(Self.maxBatch) 份", field: "agreementIDs") }
        // The opinions are the same for every item: a problem with them is the request's, not each item's.
        try checked { () throws(AgreementRefusal) in
            try AgreementValidation.validate(employerOpinion: opinion, supervisorOpinion: supervisor)
        }
        return await withTaskGroup(of: (Int, BatchResult).self) { group in
            for (index, raw) in ids.enumerated() {
                group.addTask { (index, await self.batchItem(raw, opinion: opinion, supervisor: supervisor, identity: identity)) }
            }
            var all = [BatchResult?](repeating: nil, count: ids.count)
            for await (i, r) in group { all[i] = r }
            return all.compactMap { $0 }
        }
    }

    private func batchItem(_ raw: String, opinion: String, supervisor: String?, identity: Identity) async -> BatchResult {
        do {
            let agreement = try await visible(raw, to: identity).current
            switch try await sign(agreement, opinion: opinion, supervisor: supervisor, corrected: nil, by: identity) {
            case .applied(let id, _): return BatchResult(agreementID: raw, outcome: .applied, commandId: id.wire)
            case .pending(let id): return BatchResult(agreementID: raw, outcome: .pending, commandId: id.wire)
            case .unchanged: return BatchResult(agreementID: raw, outcome: .unchanged)
            }
        } catch {
            if let error = APIError(mapping: error) {
                return BatchResult(agreementID: raw, outcome: .refused, error: .init(code: error.code, message: error.message))
            }
            logger.error("batch signing item failed", metadata: ["error": "\(error)"])
            return BatchResult(agreementID: raw, outcome: .refused, error: .init(code: "internal", message: "系统繁忙，请稍后重试"))
        }
    }

    /// Registers (or updates) the caller's organisation; the registry validates it.
    func register(_ employer: EmployerSnapshot, alsoWrite: (@Sendable (PostgresConnection) async throws -> Void)? = nil) async throws -> EmployerAccounts.Account {
        try checked { () throws(AgreementRefusal) in try AgreementValidation.validate(employer) }
        return try await accounts.register(employer, alsoWrite: alsoWrite)
    }

    func approve(_ employerID: String, by identity: Identity) async throws -> EmployerAccounts.Account {
        guard let account = try await accounts.approve(employerID, by: identity.subject) else {
            throw APIError.notFound("没有找到该单位")
        }
        return account
    }
}

extension [EmployerActions.BatchResult] {
    /// How many items had `outcome`: 批量签约's 成功 (`applied`: signed now) and 失败 (`refused`) counts; `pending`
    /// and `unchanged` items are neither.
    func count(of outcome: EmployerActions.BatchResult.Outcome) -> Int { filter { $0.outcome == outcome }.count }
}

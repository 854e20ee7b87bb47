import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit

/// What counselors and the employment office can do (网上签约审核, 网上签约备案), for the JSON API
/// (`CollegeRoutes`) and the portal (`CollegePortal`) alike. It decides nothing itself: the decider does.
struct CollegeActions: Sendable {
    let records: any CollegeRecords
    let staff: any StaffRecords
    let agreements: any AgreementReading
    let commands: AgreementCommands
    let clock: ServiceClock
    /// The school's code in agreement numbers.
    let schoolCode: String

    /// 待审核 / 已通过 / everything the caller may see.
    enum View: String, Sendable {
        case pending, approved, all
        var statuses: [AgreementStatus] {
            switch self {
            case .pending: AgreementStatus.allCases.filter(\.awaitingReview)
            case .approved: AgreementStatus.allCases.filter(\.isApproved)
            case .all: AgreementStatus.allCases
            }
        }
    }

    /// nil for the office (every college); the counselor's own college otherwise.
    static func college(_ identity: Identity) -> String? {
        identity.role == .employmentOffice ? nil : identity.collegeCode
    }

    func reviews(_ view: View, query: String?, for identity: Identity) async throws -> [AgreementSummary] {
        try await agreements.summaries(AgreementSearch(collegeCode: Self.college(identity), statuses: view.statuses, query: query))
    }

    /// 网上签约备案's search: by student ID or agreement number, among approved agreements.
    func filing(studentID: String?, agreementNumber: String?, for identity: Identity) async throws -> [AgreementSummary] {
        guard studentID != nil || agreementNumber != nil else { throw APIError.validation("请输入学号或协议书号", field: "studentID") }
        return try await agreements.summaries(AgreementSearch(
            collegeCode: Self.college(identity), statuses: View.approved.statuses, studentID: studentID, agreementNumber: agreementNumber))
    }

    /// The agreement `id` if the caller may see it; anything else is "not found".
    func visible(_ id: String?, to identity: Identity) async throws -> Agreement {
        try await agreements.visible(id, to: identity).current
    }

    /// The agreement with this number, for the public verification page (no caller: it shows only what the page may).
    func byNumber(_ number: AgreementNumber) async throws -> Agreement? {
        guard let summary = try await agreements.summaries(AgreementSearch(
            statuses: AgreementStatus.allCases, agreementNumber: number.formatted, limit: 1)).first,
              let id = AgreementID(summary.id) else { return nil }
        return try await agreements.agreement(id)
    }

    func prefill(for identity: Identity) async throws -> CollegeReview? {
        try await records.lastReview(of: identity.subject)
    }

    /// 通过. The number is reserved in the command's own transaction: when the domain refuses the approval, the
    /// reservation rolls back with it.
    func approve(_ agreement: Agreement, review: CollegeReview, by identity: Identity) async throws -> CommandResult {
        let (year, school, counselor) = (Self.year(clock.now), schoolCode, identity.subject)
        return try await commands.execute(on: agreement, id: agreement.id, by: identity.actor, { connection in
            let number = try await CollegeStore.agreementNumber(for: agreement.id, year: year, schoolCode: school, on: connection)
            return .collegeApprove(review: review, agreementNumber: number)
        }, alsoWrite: { connection, _ in try await CollegeStore.remember(review, of: counselor, on: connection) })
    }

    /// 退回.
    func giveBack(_ agreement: Agreement, reason: String, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.collegeReturn(reason: reason), on: agreement, by: identity.actor)
    }

    func printCopy(_ agreement: Agreement, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.printCopy, on: agreement, by: identity.actor)
    }

    func authoriseReprint(_ id: AgreementID, extraCopies: Int, reason: String, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.authoriseReprint(extraCopies: extraCopies, reason: reason), on: id, by: identity.actor)
    }

    /// 备案.
    func file(_ agreement: Agreement, by identity: Identity) async throws -> CommandResult {
        try await commands.execute(.file, on: agreement, by: identity.actor)
    }

    /// The roster upload's answer: how many rows were imported and rejected, and why, row by row.
    struct ImportReport: Codable, ResponseEncodable, Sendable { var imported: Int; var rejected: Int; var rows: [RosterCSV.RowResult] }

    /// Imports a roster CSV: the valid rows are stored and published, the others reported.
    func importRoster(_ text: String) async throws -> ImportReport {
        let parsed: RosterCSV.Parsed
        do { parsed = try RosterCSV.parse(text) } catch { throw Self.refusal(error) }
        try await records.importRoster(parsed.students)
        return ImportReport(imported: parsed.students.count, rejected: parsed.rows.count - parsed.students.count, rows: parsed.rows)
    }

    /// Imports the staff directory CSV the same way.
    func importStaff(_ text: String) async throws -> ImportReport {
        let parsed: StaffDirectory.Parsed
        do { parsed = try StaffDirectory.parse(text) } catch { throw Self.refusal(error) }
        try await staff.store(parsed.members)
        return ImportReport(imported: parsed.members.count, rejected: parsed.rows.count - parsed.members.count, rows: parsed.rows)
    }

    static func refusal(_ failure: RosterCSV.Failure) -> APIError {
        switch failure {
        case .missingColumns(let columns): APIError.validation("名单缺少列：\(columns.joined(separator: ", "))", field: "header")
        case .empty: APIError.validation("名单文件为空", field: "body")
        }
    }

    /// An uploaded CSV as text: UTF-8 only.
    static func csvText<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(APIError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError.badRequest("malformed_body", "名单文件必须是 UTF-8 编码的 CSV")
        }
        return text
    }

    /// Agreement numbers use the year in China's time zone.
    static func year(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar.component(.year, from: date)
    }
}

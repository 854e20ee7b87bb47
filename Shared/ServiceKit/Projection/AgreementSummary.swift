import AgreementDomain
import Foundation
import WangqianPostgres

/// One line of a list (待签约信息, 已签约信息, the review queue, filing search results).
public struct AgreementSummary: Codable, Sendable {
    public var id: String
    public var studentID: String
    public var studentName: String
    public var collegeCode: String
    public var employerID: String?
    public var employerName: String?
    public var status: AgreementStatus
    public var statusName: String
    public var agreementNumber: String?
    public var version: Int
    public var updatedAt: Date

    /// Lists agreements in `statuses`, optionally only one employer's or one college's, optionally matching
    /// `query` against the student's name or ID (or the agreement number). Newest first, at most `limit`.
    static func search(_ search: AgreementSearch, on pool: PostgresPool) async throws -> [AgreementSummary] {
        let (employerID, collegeCode, statuses, query) = (search.employerID, search.collegeCode, search.statuses, search.query)
        let (studentID, agreementNumber, limit) = (search.studentID, search.agreementNumber, search.limit)
        let pattern = query.map { "%\($0.likeEscaped)%" }
        // An employer's lists show what EmployerVisibility lets it see, in the status it sees.
        let rows = try await pool.query("""
            select id, student_id, student_name, college_code, employer_id, employer_name,
                   case when \(employerID)::text is null then status else employer_status end as status,
                   agreement_number, version, updated_at
            from agreements
            where (case when \(employerID)::text is null then status else employer_status end) = any(\(statuses.map(\.rawValue))::text[])
              and (\(employerID)::text is null or employer_visible = \(employerID))
              and (\(collegeCode)::text is null or college_code = \(collegeCode))
              and (\(studentID)::text is null or student_id = \(studentID))
              and (\(agreementNumber)::text is null or agreement_number = \(agreementNumber))
              and (\(pattern)::text is null or student_name ilike \(pattern) or student_id ilike \(pattern) or agreement_number ilike \(pattern))
            order by updated_at desc
            limit \(limit)
            """)
        return try rows.map { row in
            let text: String = try row.decode("status")
            guard let status = AgreementStatus(rawValue: text) else {
                throw PostgresError(code: .decoding, message: "unknown agreement status \(text)")
            }
            return AgreementSummary(
                id: try row.decode("id", as: UUID.self).wire, studentID: try row.decode("student_id"), studentName: try row.decode("student_name"),
                collegeCode: try row.decode("college_code"), employerID: try row.decode("employer_id"),
                employerName: try row.decode("employer_name"), status: status,
                statusName: status.displayName,
                agreementNumber: try row.decode("agreement_number"), version: try row.decode("version"),
                updatedAt: try row.decode("updated_at"))
        }
    }
}

extension String {
    /// This text as a literal inside a SQL `LIKE`/`ILIKE` pattern: `\`, `%` and `_` lose their special meaning.
    public var likeEscaped: String {
        replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}

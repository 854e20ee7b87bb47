import AgreementDomain
import Foundation
import ServiceKit
import WangqianPostgres

/// The staff directory (教职工名单) the employment office uploads as CSV, row by row like the roster: who is a
/// counselor of which college and who is the office. Signing on to the college portal takes the role and college
/// from here (the development login lists it).
///
/// Columns (header row required, any order): staffID, name, role (辅导员 or 就业指导中心), collegeCode (counselors).
struct StaffDirectory: StaffRecords {
    let pool: PostgresPool

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 101, name: "staff directory", sql: """
            create table staff (
                staff_id text primary key,
                name text not null,
                role text not null,
                college_code text not null default '',
                updated_at timestamptz not null default now()
            );
            """),
    ]

    static let columns = ["staffID", "name", "role", "collegeCode"]

    struct Parsed {
        var members: [StaffMember]
        var rows: [RosterCSV.RowResult]
    }

    static func parse(_ text: String) throws(RosterCSV.Failure) -> Parsed {
        let (members, rows) = try RosterCSV.read(text, columns: columns, id: "staffID", repeated: "工号在文件中重复") { id, field throws(RosterCSV.Rejected) in
            let written = field("role")
            guard let role = StaffMember.Role(rawValue: written) ?? (written == "counselor" ? .counselor : written == "office" ? .office : nil) else {
                throw RosterCSV.Rejected("角色不正确（应为“辅导员”或“就业指导中心”）：\(written.prefix(20))")
            }
            let college = field("collegeCode")
            let member = StaffMember(staffID: id, name: field("name"), role: role, collegeCode: college.isEmpty ? nil : college)
            if let problem = AgreementValidation.problems(in: member).first { throw RosterCSV.Rejected(problem.message) }
            return member
        }
        return Parsed(members: members, rows: rows)
    }

    /// Stores the valid rows (a repeated staff ID is updated), in one transaction.
    func store(_ members: [StaffMember]) async throws {
        try await pool.withTransaction { connection in
            for chunk in stride(from: 0, to: members.count, by: 500).map({ Array(members[$0..<min($0 + 500, members.count)]) }) {
                try await connection.execute("""
                    insert into staff (staff_id, name, role, college_code)
                    select * from unnest(\(chunk.map(\.staffID))::text[], \(chunk.map(\.name))::text[],
                                         \(chunk.map(\.role.rawValue))::text[], \(chunk.map { $0.collegeCode ?? "" })::text[])
                    on conflict (staff_id) do update set name = excluded.name, role = excluded.role,
                        college_code = excluded.college_code, updated_at = now()
                    """)
            }
        }
    }

    func members(limit: Int) async throws -> [StaffMember] {
        try await pool.query("select * from staff order by role desc, college_code, staff_id limit \(limit)").map(decode)
    }

    func member(_ staffID: String) async throws -> StaffMember? {
        try await pool.query("select * from staff where staff_id = \(staffID)").first.map(decode)
    }

    private func decode(_ row: PostgresRow) throws -> StaffMember {
        let college: String = try row.decode("college_code")
        return StaffMember(staffID: try row.decode("staff_id"), name: try row.decode("name"),
                           role: StaffMember.Role(rawValue: try row.decode("role")) ?? .counselor,
                           collegeCode: college.isEmpty ? nil : college)
    }

    /// The identity a staff member signs on with.
    static func identity(of member: StaffMember) -> Identity {
        switch member.role {
        case .counselor: Identity(role: .counselor, subject: member.staffID, collegeCode: member.collegeCode)
        case .office: Identity(role: .employmentOffice, subject: member.staffID)
        }
    }
}

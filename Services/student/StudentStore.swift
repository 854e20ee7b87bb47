import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import WangqianPostgres

/// The student service's own tables: the roster and employer registry as published on their topics,
/// and which notices each student has read.
struct StudentStore: StudentRecords {
    let pool: PostgresPool

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 100, name: "student reference data", sql: """
            create extension if not exists pg_trgm;
            create table students (
                student_id text primary key,
                college_code text not null,
                snapshot jsonb not null,
                updated_at timestamptz not null default now()
            );
            create table employers (
                employer_id text primary key,
                name text not null,
                credit_code text not null default '',
                approved boolean not null default false,
                suspended boolean not null default false,
                snapshot jsonb not null,
                updated_at timestamptz not null default now()
            );
            create index employers_name_trgm on employers using gin (name gin_trgm_ops);
            create table notices (
                student_id text primary key,
                signing_notice_at timestamptz,
                breach_explanation_at timestamptz
            );
            """),
        // A registry record republished after a loss can arrive after the approval that followed it: an approval
        // of an employer not yet known is kept, and the registration completes the row when it arrives.
        PostgresMigration(version: 101, name: "approvals before registrations", sql: """
            alter table employers alter column snapshot drop not null, alter column name set default '';
            """),
    ]

    /// Applies roster and registry events, in order (inside the consumer's transaction). Consecutive roster records
    /// (an import) are stored in one statement.
    static func apply(_ events: [ContractEvent], on connection: PostgresConnection) async throws {
        var records: [StudentSnapshot] = []
        for event in events {
            if case .roster(.studentRecordPublished(let e)) = event {
                records.append(e.student)
            } else {
                try await store(records, on: connection)
                records = []
                try await apply(event, on: connection)
            }
        }
        try await store(records, on: connection)
    }

    /// Roster records in one upsert; of a student given twice, the later record wins.
    private static func store(_ records: [StudentSnapshot], on connection: PostgresConnection) async throws {
        guard !records.isEmpty else { return }
        var latest: [String: Int] = [:]
        for (index, record) in records.enumerated() { latest[record.studentID] = index }
        let kept = records.indices.filter { latest[records[$0].studentID] == $0 }.map { records[$0] }
        let encoder = JSONEncoder()
        let snapshots = try kept.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await connection.execute("""
            insert into students (student_id, college_code, snapshot)
            select id, college, snapshot::jsonb
            from unnest(\(kept.map(\.studentID))::text[], \(kept.map(\.collegeCode))::text[], \(snapshots)::text[]) as r(id, college, snapshot)
            on conflict (student_id) do update set college_code = excluded.college_code, snapshot = excluded.snapshot, updated_at = now()
            """)
    }

    private static func apply(_ event: ContractEvent, on connection: PostgresConnection) async throws {
        switch event {
        case .roster(.studentRecordPublished(let e)):
            try await store([e.student], on: connection)
        case .roster(.studentRecordRemoved(let e)):
            try await connection.execute("delete from students where student_id = \(e.studentID)")
        case .registry(.employerRegistered(let e)):
            try await upsertEmployer(e.employer, on: connection)
        case .registry(.employerUpdated(let e)):
            try await upsertEmployer(e.employer, on: connection)
        case .registry(.employerApproved(let e)):
            try await connection.execute("""
                insert into employers (employer_id, approved) values (\(e.employerID), true)
                on conflict (employer_id) do update set approved = true, suspended = false, updated_at = now()
                """)
        case .registry(.employerSuspended(let e)):
            try await connection.execute("update employers set suspended = true, updated_at = now() where employer_id = \(e.employerID)")
        default:
            break
        }
    }

    private static func upsertEmployer(_ employer: EmployerSnapshot, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            insert into employers (employer_id, name, credit_code, snapshot)
            values (\(employer.employerID), \(employer.name), \(employer.creditCode), \(PostgresJSON(employer)))
            on conflict (employer_id) do update set name = excluded.name, credit_code = excluded.credit_code,
                snapshot = excluded.snapshot, updated_at = now()
            """)
    }

    func student(_ id: String) async throws -> StudentSnapshot? {
        try await pool.query("select snapshot from students where student_id = \(id)").first?
            .decode("snapshot", as: PostgresJSON<StudentSnapshot>.self).value
    }

    /// A few students to offer on the development login page: some who may sign, one who may not.
    func sampleStudents(limit: Int) async throws -> [StudentSnapshot] {
        try await pool.query("""
            (select snapshot from students where snapshot->>'reviewStatus' = any(\(SourceReviewStatus.allCases.filter(\.permitsSigning).map(\.rawValue))::text[])
             order by student_id limit \(limit))
            union all
            (select snapshot from students where not snapshot->>'reviewStatus' = any(\(SourceReviewStatus.allCases.filter(\.permitsSigning).map(\.rawValue))::text[])
             order by student_id limit 1)
            """).map { try $0.decode("snapshot", as: PostgresJSON<StudentSnapshot>.self).value }
    }

    /// An employer students may choose: registered, approved and not suspended.
    func selectableEmployer(_ id: String) async throws -> EmployerSnapshot? {
        try await pool.query("select snapshot from employers where employer_id = \(id) and approved and not suspended and snapshot is not null").first?
            .decode("snapshot", as: PostgresJSON<EmployerSnapshot>.self).value
    }

    /// 模糊查询: every whitespace-separated term must occur in the name or credit code, or the name must contain the
    /// query's characters in order (so 深腾讯 finds 深圳市腾讯计算机系统有限公司). Closest names first.
    func searchEmployers(_ query: String, limit: Int) async throws -> [EmployerSnapshot] {
        let terms = query.split(whereSeparator: { $0.isWhitespace }).map(String.init).prefix(5)
        let rows: PostgresRows
        if terms.isEmpty {
            rows = try await pool.query("""
                select snapshot from employers where approved and not suspended and snapshot is not null order by name limit \(limit)
                """)
        } else {
            let substrings = terms.map { "%\($0.likeEscaped)%" }
            let inOrder = "%" + query.filter { !$0.isWhitespace }.map { String($0).likeEscaped }.joined(separator: "%") + "%"
            rows = try await pool.query("""
                select snapshot from employers
                where approved and not suspended and snapshot is not null
                  and ((select bool_and(name ilike t or credit_code ilike t) from unnest(\(Array(substrings))::text[]) as t)
                       or name ilike \(inOrder))
                order by (name ilike \(substrings[0])) desc, similarity(name, \(query)) desc, name
                limit \(limit)
                """)
        }
        return try rows.map { try $0.decode("snapshot", as: PostgresJSON<EmployerSnapshot>.self).value }
    }

    struct Notices: Codable, Sendable, ResponseEncodable {
        var signingNotice: Bool
        var breachExplanation: Bool
        var both: Bool { signingNotice && breachExplanation }
    }

    func notices(_ studentID: String) async throws -> Notices {
        guard let row = try await pool.query("""
            select signing_notice_at is not null as s, breach_explanation_at is not null as b from notices where student_id = \(studentID)
            """).first else { return Notices(signingNotice: false, breachExplanation: false) }
        return Notices(signingNotice: try row.decode("s"), breachExplanation: try row.decode("b"))
    }

    func acknowledge(_ studentID: String, signingNotice: Bool, breachExplanation: Bool) async throws {
        try await pool.execute("""
            insert into notices (student_id, signing_notice_at, breach_explanation_at)
            values (\(studentID), \(signingNotice ? Date() : nil), \(breachExplanation ? Date() : nil))
            on conflict (student_id) do update set
                signing_notice_at = coalesce(notices.signing_notice_at, excluded.signing_notice_at),
                breach_explanation_at = coalesce(notices.breach_explanation_at, excluded.breach_explanation_at)
            """)
    }
}

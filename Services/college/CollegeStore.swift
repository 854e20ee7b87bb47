import AgreementContract
import AgreementDomain
import Foundation
import ServiceKit
import WangqianPostgres

/// The college service's own tables: the roster it owns, agreement numbers, and each counselor's last review.
struct CollegeStore: CollegeRecords {
    let pool: PostgresPool
    let outbox: EventOutbox

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 100, name: "roster, agreement numbers, counselor reviews", sql: """
            create table roster (
                student_id text primary key,
                college_code text not null,
                snapshot jsonb not null,
                updated_at timestamptz not null default now()
            );
            create table number_serials (
                year int primary key,
                next_serial int not null
            );
            create table agreement_numbers (
                agreement_id uuid primary key,
                number text not null unique,
                assigned_at timestamptz not null default now()
            );
            create table counselor_reviews (
                counselor_id text primary key,
                review jsonb not null,
                updated_at timestamptz not null default now()
            );
            """),
    ]

    func rosterRecord(_ studentID: String) async throws -> StudentSnapshot? {
        try await pool.query("select snapshot from roster where student_id = \(studentID)").first?
            .decode("snapshot", as: PostgresJSON<StudentSnapshot>.self).value
    }

    /// Stores the valid rows and publishes each on the roster topic, all in one transaction.
    func importRoster(_ students: [StudentSnapshot]) async throws {
        guard !students.isEmpty else { return }
        // A student ID listed twice: its last row wins, as it does on the topic.
        var latest: [String: StudentSnapshot] = [:]
        for s in students { latest[s.studentID] = s }
        let rows = Array(latest.values)
        var records: [OutboxRecord] = []
        records.reserveCapacity(students.count)
        for (n, student) in students.enumerated() {
            // Encoding and signing 100,000 events takes seconds: let the service's other requests in between.
            if n % 200 == 0 { await Task.yield() }
            records.append(try outbox.record(for: .roster(.studentRecordPublished(StudentRecordPublished(student: student, at: outbox.clock.now)))))
        }
        let encoder = JSONEncoder()
        try await pool.withTransaction { connection in
            for start in stride(from: 0, to: rows.count, by: 500) {
                let chunk = rows[start..<min(start + 500, rows.count)]
                let snapshots = try chunk.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
                try await connection.execute("""
                    insert into roster (student_id, college_code, snapshot)
                    select * from unnest(\(chunk.map(\.studentID))::text[], \(chunk.map(\.collegeCode))::text[], \(snapshots)::jsonb[])
                    on conflict (student_id) do update set college_code = excluded.college_code, snapshot = excluded.snapshot, updated_at = now()
                    """)
            }
            try await Outbox.append(records, on: connection)
        }
        outbox.committed()
    }

    /// The agreement's number: the one it already has, or the next serial of the year (assigned once).
    /// Inside the caller's transaction: two approvals at the same moment take turns, and the second finds the
    /// first one's number.
    static func agreementNumber(for id: AgreementID, year: Int, schoolCode: String, on connection: PostgresConnection) async throws -> AgreementNumber {
        try await connection.execute("select pg_advisory_xact_lock(7301002, hashtext(\(id.uuid.wire)))")
        if let row = try await connection.query("select number from agreement_numbers where agreement_id = \(id.uuid)").first,
           let number = AgreementNumber(parsing: try row.decode("number", as: String.self)) {
            return number
        }
        let serial = try await connection.query("""
            insert into number_serials (year, next_serial) values (\(year), 2)
            on conflict (year) do update set next_serial = number_serials.next_serial + 1
            returning next_serial - 1 as serial
            """)[0].decode("serial", as: Int.self)
        let number = AgreementNumber(year: year, schoolCode: schoolCode, serial: serial)
        try await connection.execute("insert into agreement_numbers (agreement_id, number) values (\(id.uuid), \(number.formatted))")
        return number
    }

    func lastReview(of counselorID: String) async throws -> CollegeReview? {
        try await pool.query("select review from counselor_reviews where counselor_id = \(counselorID)").first?
            .decode("review", as: PostgresJSON<CollegeReview>.self).value
    }

    static func remember(_ review: CollegeReview, of counselorID: String, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            insert into counselor_reviews (counselor_id, review) values (\(counselorID), \(PostgresJSON(review)))
            on conflict (counselor_id) do update set review = excluded.review, updated_at = now()
            """)
    }
}

import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

/// The employer registry, owned by this service: an employer account registers, the employment office approves
/// it, and each change is published on the registry topic (through the outbox, in the same transaction).
struct EmployerAccounts: EmployerRegistrations {
    let pool: PostgresPool
    let outbox: EventOutbox

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 100, name: "employer registry", sql: """
            create table employer_accounts (
                employer_id text primary key,
                status text not null,
                snapshot jsonb not null,
                registered_at timestamptz not null default now(),
                approved_at timestamptz
            );
            """),
    ]

    /// A registration waits for the employment office, which approves it.
    enum Status: String, Codable, CaseIterable, Sendable { case pending, approved }

    struct Account: Codable, Sendable, ResponseEncodable {
        var employerID: String
        var status: Status
        var employer: EmployerSnapshot
        var registeredAt: Date
        var approvedAt: Date?
    }

    func account(_ id: String) async throws -> Account? {
        try await pool.query("select * from employer_accounts where employer_id = \(id)").first.map(decode)
    }

    func accounts(status: Status?) async throws -> [Account] {
        let rows = if let status {
            try await pool.query("select * from employer_accounts where status = \(status.rawValue) order by registered_at")
        } else {
            try await pool.query("select * from employer_accounts order by registered_at")
        }
        return try rows.map(decode)
    }

    private func decode(_ row: PostgresRow) throws -> Account {
        let status: String = try row.decode("status")
        guard let known = Status(rawValue: status) else { throw PostgresError(code: .decoding, message: "unknown registration status \(status)") }
        return Account(employerID: try row.decode("employer_id"), status: known,
                       employer: try row.decode("snapshot", as: PostgresJSON<EmployerSnapshot>.self).value,
                       registeredAt: try row.decode("registered_at"), approvedAt: try row.decode("approved_at"))
    }

    /// Registers, or updates the registration of, an employer. An approved employer's update is published as such.
    /// - Parameter alsoWrite: written in the same transaction (the portal's new logins).
    func register(_ employer: EmployerSnapshot,
                         alsoWrite: (@Sendable (PostgresConnection) async throws -> Void)? = nil) async throws -> Account {
        let outbox = self.outbox
        try await pool.withTransaction { connection in
            try await alsoWrite?(connection)
            let existing = try await connection.query("select status from employer_accounts where employer_id = \(employer.employerID) for update").first
            let event: RegistryEvent
            if let status = try existing?.decode("status", as: String.self) {
                try await connection.execute("update employer_accounts set snapshot = \(PostgresJSON(employer)) where employer_id = \(employer.employerID)")
                event = status == "pending"
                    ? .employerRegistered(EmployerRegistered(employer: employer, at: outbox.clock.now))
                    : .employerUpdated(EmployerUpdated(employer: employer, at: outbox.clock.now))
            } else {
                try await connection.execute("""
                    insert into employer_accounts (employer_id, status, snapshot) values (\(employer.employerID), 'pending', \(PostgresJSON(employer)))
                    """)
                event = .employerRegistered(EmployerRegistered(employer: employer, at: outbox.clock.now))
            }
            try await outbox.append([.registry(event)], on: connection)
        }
        outbox.committed()
        return try await account(employer.employerID)!
    }

    /// Approves a registration (idempotent).
    func approve(_ id: String, by staffID: String) async throws -> Account? {
        let outbox = self.outbox
        let changed = try await pool.withTransaction { connection -> Bool in
            let n = try await connection.execute("""
                update employer_accounts set status = 'approved', approved_at = now() where employer_id = \(id) and status <> 'approved'
                """)
            guard n == 1 else { return false }
            let event = RegistryEvent.employerApproved(EmployerApproved(employerID: id, approvedBy: staffID, at: outbox.clock.now))
            try await outbox.append([.registry(event)], on: connection)
            return true
        }
        if changed { outbox.committed() }
        return try await account(id)
    }
}

import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

/// The employer registry, owned by this service: an employer account registers, the employment office approves
/// it, and each change is published on the registry topic (through the outbox, in the same transaction).
enum EmployerAccounts {
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

    struct Account: Codable, Sendable, ResponseEncodable {
        var employerID: String
        var status: String
        var employer: EmployerSnapshot
        var registeredAt: Date
        var approvedAt: Date?
    }

    static func account(_ id: String, pool: PostgresPool) async throws -> Account? {
        try await pool.query("select * from employer_accounts where employer_id = \(id)").first.map(decode)
    }

    static func accounts(status: String?, pool: PostgresPool) async throws -> [Account] {
        let rows = if let status {
            try await pool.query("select * from employer_accounts where status = \(status) order by registered_at")
        } else {
            try await pool.query("select * from employer_accounts order by registered_at")
        }
        return try rows.map(decode)
    }

    private static func decode(_ row: PostgresRow) throws -> Account {
        Account(employerID: try row.decode("employer_id"), status: try row.decode("status"),
                employer: try row.decode("snapshot", as: PostgresJSON<EmployerSnapshot>.self).value,
                registeredAt: try row.decode("registered_at"), approvedAt: try row.decode("approved_at"))
    }

    /// Registers, or updates the registration of, an employer. An approved employer's update is published as such.
    /// - Parameter alsoWrite: written in the same transaction (the portal's new logins).
    static func register(_ employer: EmployerSnapshot, runtime: ServiceRuntime,
                         alsoWrite: (@Sendable (PostgresConnection) async throws -> Void)? = nil) async throws -> Account {
        try await runtime.pool.withTransaction { connection in
            try await alsoWrite?(connection)
            let existing = try await connection.query("select status from employer_accounts where employer_id = \(employer.employerID) for update").first
            let event: RegistryEvent
            if let status = try existing?.decode("status", as: String.self) {
                try await connection.execute("update employer_accounts set snapshot = \(PostgresJSON(employer)) where employer_id = \(employer.employerID)")
                event = status == "pending"
                    ? .employerRegistered(EmployerRegistered(employer: employer, at: runtime.clock.now))
                    : .employerUpdated(EmployerUpdated(employer: employer, at: runtime.clock.now))
            } else {
                try await connection.execute("""
                    insert into employer_accounts (employer_id, status, snapshot) values (\(employer.employerID), 'pending', \(PostgresJSON(employer)))
                    """)
                event = .employerRegistered(EmployerRegistered(employer: employer, at: runtime.clock.now))
            }
            try await Outbox.append([try runtime.outboxRecord(for: .registry(event))], on: connection)
        }
        runtime.relay.nudge()
        return try await account(employer.employerID, pool: runtime.pool)!
    }

    /// Approves a registration (idempotent).
    static func approve(_ id: String, by staffID: String, runtime: ServiceRuntime) async throws -> Account? {
        let changed = try await runtime.pool.withTransaction { connection -> Bool in
            let n = try await connection.execute("""
                update employer_accounts set status = 'approved', approved_at = now() where employer_id = \(id) and status <> 'approved'
                """)
            guard n == 1 else { return false }
            let event = RegistryEvent.employerApproved(EmployerApproved(employerID: id, approvedBy: staffID, at: runtime.clock.now))
            try await Outbox.append([try runtime.outboxRecord(for: .registry(event))], on: connection)
            return true
        }
        if changed { runtime.relay.nudge() }
        return try await account(id, pool: runtime.pool)
    }
}

import AgreementDomain
import Foundation
import ServiceKit
import WangqianPostgres

/// The auto-confirmation timers (用人单位审核完成七日后自动进行确认), kept in the scheduler's database so they
/// survive restarts. One timer per (agreement, signing round): a re-signing starts a new one.
struct Timers: TimerRecords {
    let pool: PostgresPool

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 100, name: "timers", sql: """
            create table timers (
                agreement_id uuid not null,
                signing_round int not null,
                due_at timestamptz not null,
                status text not null default 'pending',
                event_id uuid,
                note text,
                updated_at timestamptz not null default now(),
                primary key (agreement_id, signing_round)
            );
            create index timers_due on timers (due_at) where status = 'pending';
            create table clock (
                id int primary key default 1 check (id = 1),
                offset_seconds double precision not null
            );
            """),
    ]

    /// Starts or cancels timers as the log moves agreements (inside the consumer's transaction).
    static func track(_ event: AgreementEvent, _ outcome: ProjectionOutcome, on connection: PostgresConnection) async throws {
        guard case .applied(_, let after) = outcome else { return }
        if let due = after.autoConfirmationDue {
            try await connection.execute("""
                insert into timers (agreement_id, signing_round, due_at)
                values (\(after.id.uuid), \(after.signingRound), \(due))
                on conflict (agreement_id, signing_round) do nothing
                """)
            // An earlier round's timer can never fire any more.
            try await connection.execute("""
                update timers set status = 'cancelled', note = 'superseded', updated_at = now()
                where agreement_id = \(after.id.uuid) and signing_round < \(after.signingRound) and status = 'pending'
                """)
        } else {
            // Confirmed, taken back, returned…: nothing is waiting for the student any more. (A timer that fired
            // was already marked in the transaction that emitted its event.)
            try await connection.execute("""
                update timers set status = 'cancelled', note = \("agreement \(after.status.rawValue)"), updated_at = now()
                where agreement_id = \(after.id.uuid) and status = 'pending'
                """)
        }
    }

    struct Timer: Codable, Sendable {
        var agreementID: String
        var signingRound: Int
        var dueAt: Date
        var status: Status
        var eventID: String?
        var note: String?
    }

    func list(agreement: UUID?) async throws -> [Timer] {
        let rows = try await pool.query("""
            select * from timers where (\(agreement)::uuid is null or agreement_id = \(agreement))
            order by due_at limit 500
            """)
        return try rows.map { row in
            Timer(agreementID: try row.decode("agreement_id", as: UUID.self).wire, signingRound: try row.decode("signing_round"),
                  dueAt: try row.decode("due_at"), status: try Timer.status(row), eventID: try row.decode("event_id", as: UUID?.self)?.wire,
                  note: try row.decode("note"))
        }
    }

    /// Sets `clock` to the offset saved last (the controllable clock of tests and demos survives a restart).
    func restore(_ clock: ServiceClock) async throws {
        guard let row = try await pool.query("select offset_seconds from clock").first else { return }
        clock.advance(by: try row.decode("offset_seconds", as: Double.self) - clock.offsetSeconds)
    }

    func save(_ clock: ServiceClock) async throws {
        try await pool.execute("""
            insert into clock (id, offset_seconds) values (1, \(clock.offsetSeconds))
            on conflict (id) do update set offset_seconds = excluded.offset_seconds
            """)
    }
}

extension Timers.Timer {
    /// Waiting for its due time, fired (the auto-confirmation was emitted), or cancelled (the agreement moved on).
    enum Status: String, Codable, CaseIterable, Sendable { case pending, fired, cancelled }

    static func status(_ row: PostgresRow) throws -> Status {
        let text: String = try row.decode("status")
        guard let status = Status(rawValue: text) else { throw PostgresError(code: .decoding, message: "unknown timer status \(text)") }
        return status
    }
}

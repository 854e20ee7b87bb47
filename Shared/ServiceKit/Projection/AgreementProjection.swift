import AgreementDomain
import Foundation
import WangqianPostgres

/// What applying one agreement event did to a projection.
public enum ProjectionOutcome: Sendable {
    case applied(before: Agreement?, after: Agreement)
    case refused(AgreementRefusal, state: Agreement?)
}

/// The agreement projection every service keeps in its own database.
///
/// Every service applies the same ordered events with the domain's validating `evolve`, so every projection
/// reaches the same state, and an event that the log made illegal (the loser of a race) is refused the same
/// way everywhere and recorded in the timeline.
public enum AgreementProjection {
    public static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 3, name: "agreement projection", sql: """
            create table agreements (
                id uuid primary key,
                student_id text not null,
                student_name text not null default '',
                college_code text not null default '',
                employer_id text,
                employer_name text,
                status text not null,
                agreement_number text,
                version int not null,
                state jsonb not null,
                updated_at timestamptz not null
            );
            create index agreements_student on agreements (student_id);
            create index agreements_employer on agreements (employer_id, status);
            create index agreements_college on agreements (college_code, status);
            create index agreements_number on agreements (agreement_number);
            create table agreement_history (
                seq bigserial primary key,
                agreement_id uuid not null,
                event_id uuid not null unique,
                event_type text not null,
                actor jsonb not null,
                at timestamptz not null,
                outcome text not null,
                refusal jsonb,
                version_after int
            );
            create index agreement_history_agreement on agreement_history (agreement_id, seq);
            """),
        // What the employer may see (EmployerVisibility): the last state not made by a draft save, and to whom
        // and in which status it is shown.
        PostgresMigration(version: 7, name: "employer view", sql: """
            alter table agreements add column shared_state jsonb, add column employer_visible text,
                add column employer_status text;
            update agreements set shared_state = state, employer_visible = employer_id, employer_status = status
                where status <> 'draft';
            create index agreements_employer_visible on agreements (employer_visible, employer_status);
            """),
    ]

    /// Loads one agreement (locked for update when `forUpdate`, inside a transaction).
    public static func load(_ id: AgreementID, on connection: PostgresConnection, forUpdate: Bool = false) async throws -> Agreement? {
        let rows = forUpdate
            ? try await connection.query("select state from agreements where id = \(id.uuid) for update")
            : try await connection.query("select state from agreements where id = \(id.uuid)")
        guard let row = rows.first else { return nil }
        return try row.decode("state", as: PostgresJSON<Agreement>.self).value
    }

    public static func load(_ id: AgreementID, on pool: PostgresPool) async throws -> Agreement? {
        try await pool.withConnection { try await load(id, on: $0) }
    }

    /// Applies one event from the log, inside the consumer's transaction.
    public static func apply(_ event: AgreementEvent, eventID: UUID, on connection: PostgresConnection) async throws -> ProjectionOutcome {
        let row = try await connection.query("select state, shared_state from agreements where id = \(event.agreementID.uuid) for update").first
        let before = try row?.decode("state", as: PostgresJSON<Agreement>.self).value
        let sharedBefore = try row?.decode("shared_state", as: PostgresJSON<Agreement>?.self)?.value
        let after: Agreement
        do {
            after = try AgreementDecider.evolve(before, event)
        } catch {
            try await record(event, eventID: eventID, outcome: .refused, refusal: error, versionAfter: before?.version, on: connection)
            return .refused(error, state: before)
        }
        try await save(after, shared: EmployerVisibility.lastShared(after: after, event: event, before: sharedBefore), on: connection)
        try await record(event, eventID: eventID, outcome: .applied, refusal: nil, versionAfter: after.version, on: connection)
        return .applied(before: before, after: after)
    }

    private static func save(_ a: Agreement, shared: Agreement?, on connection: PostgresConnection) async throws {
        let shown = a.employerID.flatMap { EmployerVisibility.view(current: a, lastShared: shared, employerID: $0) }
        try await connection.execute("""
            insert into agreements (id, student_id, student_name, college_code, employer_id, employer_name, status,
                                    agreement_number, version, state, updated_at, shared_state, employer_visible, employer_status)
            values (\(a.id.uuid), \(a.studentID), \(a.student.name), \(a.student.collegeCode), \(a.employerID),
                    \(a.employer?.name), \(a.status.rawValue), \(a.agreementNumber?.formatted), \(a.version),
                    \(PostgresJSON(a)), now(), \(shared.map { PostgresJSON($0) }), \(shown?.employerID), \(shown?.status.rawValue))
            on conflict (id) do update set
                student_name = excluded.student_name, college_code = excluded.college_code,
                employer_id = excluded.employer_id, employer_name = excluded.employer_name, status = excluded.status,
                agreement_number = excluded.agreement_number, version = excluded.version, state = excluded.state,
                updated_at = now(), shared_state = excluded.shared_state, employer_visible = excluded.employer_visible,
                employer_status = excluded.employer_status
            """)
    }

    /// An agreement as one caller may see it.
    public struct Visible: Sendable {
        /// What the caller is shown (for an employer, possibly an earlier state than `current`).
        public var shown: Agreement
        /// The state commands are decided on.
        public var current: Agreement
        /// For an employer: the timeline stops at the shown version and leaves out draft saves.
        public var employerHistory: Bool
    }

    /// The agreement with `id` as `identity` may see it; nil when it may not (or it does not exist).
    public static func visible(_ id: AgreementID, to identity: Identity, on pool: PostgresPool) async throws -> Visible? {
        guard let row = try await pool.query("select state, shared_state from agreements where id = \(id.uuid)").first else { return nil }
        let current = try row.decode("state", as: PostgresJSON<Agreement>.self).value
        if identity.role == .employer {
            let shared = try row.decode("shared_state", as: PostgresJSON<Agreement>?.self)?.value
            guard let shown = EmployerVisibility.view(current: current, lastShared: shared, employerID: identity.subject) else { return nil }
            return Visible(shown: shown, current: current, employerHistory: true)
        }
        guard identity.canSee(current) else { return nil }
        return Visible(shown: current, current: current, employerHistory: false)
    }

    private static func record(_ event: AgreementEvent, eventID: UUID, outcome: EventOutcome, refusal: AgreementRefusal?,
                               versionAfter: Int?, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            insert into agreement_history (agreement_id, event_id, event_type, actor, at, outcome, refusal, version_after)
            values (\(event.agreementID.uuid), \(eventID), \(event.typeName), \(PostgresJSON(event.actor)), \(event.at),
                    \(outcome.rawValue), \(refusal.map { PostgresJSON($0) }), \(versionAfter))
            """)
    }

    /// The timeline (audit trail) of one agreement in log order, refusals included. With `employerUpTo`, only
    /// what an employer may see: no draft saves, nothing after that version.
    public static func timeline(_ id: AgreementID, employerUpTo: Int? = nil, on pool: PostgresPool) async throws -> [TimelineEntry] {
        let rows = try await pool.query("""
            select event_id, event_type, actor, at, outcome, refusal from agreement_history
            where agreement_id = \(id.uuid)
              and (\(employerUpTo)::int is null or (event_type <> 'draftSaved' and coalesce(version_after, 0) <= \(employerUpTo)))
            order by seq
            """)
        return try rows.map { row in
            let refusal = try row.decode("refusal", as: PostgresJSON<AgreementRefusal>?.self)?.value
            return TimelineEntry(
                eventID: try row.decode("event_id", as: UUID.self).wire, type: try row.decode("event_type"),
                actor: try row.decode("actor", as: PostgresJSON<Actor>.self).value, at: try row.decode("at"),
                outcome: try EventOutcome.decode(row), code: refusal?.code.rawValue, reason: refusal?.message)
        }
    }

    /// What became of the event `eventID` (nil: not applied yet), with the agreement's state now, in one query.
    public static func outcome(of eventID: UUID, on pool: PostgresPool) async throws
        -> (outcome: EventOutcome, refusal: AgreementRefusal?, agreement: Agreement?)? {
        let rows = try await pool.query("""
            select h.outcome, h.refusal, a.state from agreement_history h left join agreements a on a.id = h.agreement_id
            where h.event_id = \(eventID)
            """)
        guard let row = rows.first else { return nil }
        return (try EventOutcome.decode(row), try row.decode("refusal", as: PostgresJSON<AgreementRefusal>?.self)?.value,
                try row.decode("state", as: PostgresJSON<Agreement>?.self)?.value)
    }
}

/// One line of an agreement's audit trail.
public struct TimelineEntry: Codable, Sendable, Equatable {
    public var eventID: String
    public var type: String
    public var actor: Actor
    public var at: Date
    public var outcome: EventOutcome
    public var code: String?
    public var reason: String?
}

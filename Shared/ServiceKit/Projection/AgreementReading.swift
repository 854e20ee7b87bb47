import AgreementDomain
import Foundation
import WangqianPostgres

/// The reads of the shared agreement projection that actions, routes and portals make. Routes depend on this,
/// not on the database; ``AgreementStore`` is the one implementation, on PostgreSQL.
public protocol AgreementReading: Sendable {
    /// The agreement's current state; nil when it does not exist (yet).
    func agreement(_ id: AgreementID) async throws -> Agreement?
    /// The agreement as `identity` may see it; nil when it may not, or it does not exist.
    func visible(_ id: AgreementID, to identity: Identity) async throws -> AgreementProjection.Visible?
    /// The timeline (audit trail); with `employerUpTo`, only what an employer may see.
    func timeline(_ id: AgreementID, employerUpTo: Int?) async throws -> [TimelineEntry]
    /// The list rows matching a search (a role's own lists and 备案's search).
    func summaries(_ search: AgreementSearch) async throws -> [AgreementSummary]
    /// How many of an employer's agreements are in one of `statuses` as the employer sees them.
    func count(employerID: String, statuses: [AgreementStatus]) async throws -> Int
    /// The agreement a command (its last event's id) is about: applied, refused or still in the outbox.
    func agreementOfCommand(_ commandID: UUID) async throws -> AgreementID?
    /// What the projection made of a command's event, when it has seen it.
    func outcome(of commandID: UUID) async throws -> (outcome: EventOutcome, refusal: AgreementRefusal?, agreement: Agreement?)?
    /// Why a command's event was parked (it will never be published or applied), when it was.
    func parkReason(of commandID: UUID) async throws -> String?
}

/// A search of the agreement lists; nil fields do not filter.
public struct AgreementSearch: Sendable {
    public var employerID: String?
    public var collegeCode: String?
    public var statuses: [AgreementStatus]
    public var query: String?
    public var studentID: String?
    public var agreementNumber: String?
    public var limit: Int

    public init(employerID: String? = nil, collegeCode: String? = nil, statuses: [AgreementStatus], query: String? = nil,
                studentID: String? = nil, agreementNumber: String? = nil, limit: Int = 200) {
        self.employerID = employerID
        self.collegeCode = collegeCode
        self.statuses = statuses
        self.query = query
        self.studentID = studentID
        self.agreementNumber = agreementNumber
        self.limit = limit
    }
}

extension AgreementReading {
    /// The agreement whose id is `raw` (a path parameter or a batch item) as `identity` may see it; "not found"
    /// otherwise, a malformed id included.
    public func visible(_ raw: String?, to identity: Identity) async throws -> AgreementProjection.Visible {
        guard let raw, let uuid = UUID(uuidString: raw), let visible = try await visible(AgreementID(uuid), to: identity) else {
            throw APIError.notFound("没有找到该协议")
        }
        return visible
    }

    /// The agreement as every API shows it, with its whole timeline.
    public func view(of agreement: Agreement) async throws -> AgreementView {
        AgreementView(agreement: agreement, timeline: try await timeline(agreement.id, employerUpTo: nil))
    }

    /// The agreement as one caller may see it, with the timeline it may see.
    public func view(of visible: AgreementProjection.Visible) async throws -> AgreementView {
        AgreementView(agreement: visible.shown, timeline: try await timeline(
            visible.shown.id, employerUpTo: visible.employerHistory ? visible.shown.version : nil))
    }
}

/// The shared agreement projection on PostgreSQL.
public struct AgreementStore: AgreementReading {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func agreement(_ id: AgreementID) async throws -> Agreement? {
        try await AgreementProjection.load(id, on: pool)
    }

    public func visible(_ id: AgreementID, to identity: Identity) async throws -> AgreementProjection.Visible? {
        try await AgreementProjection.visible(id, to: identity, on: pool)
    }

    public func timeline(_ id: AgreementID, employerUpTo: Int?) async throws -> [TimelineEntry] {
        try await AgreementProjection.timeline(id, employerUpTo: employerUpTo, on: pool)
    }

    public func summaries(_ search: AgreementSearch) async throws -> [AgreementSummary] {
        try await AgreementSummary.search(search, on: pool)
    }

    public func count(employerID: String, statuses: [AgreementStatus]) async throws -> Int {
        let row = try await pool.query("""
            select count(*)::bigint as n from agreements where employer_visible = \(employerID)
              and employer_status = any(\(statuses.map(\.rawValue))::text[])
            """)[0]
        return Int(try row.decode("n", as: Int64.self))
    }

    public func agreementOfCommand(_ commandID: UUID) async throws -> AgreementID? {
        let rows = try await pool.query("""
            select agreement_id::text as agreement from agreement_history where event_id = \(commandID)
            union all select key as agreement from outbox where event_id = \(commandID) limit 1
            """)
        guard let raw = try rows.first?.decode("agreement", as: String.self), let uuid = UUID(uuidString: raw) else { return nil }
        return AgreementID(uuid)
    }

    public func outcome(of commandID: UUID) async throws -> (outcome: EventOutcome, refusal: AgreementRefusal?, agreement: Agreement?)? {
        try await AgreementProjection.outcome(of: commandID, on: pool)
    }

    public func parkReason(of commandID: UUID) async throws -> String? {
        try await Outbox.parkReason(of: commandID, on: pool)
    }
}

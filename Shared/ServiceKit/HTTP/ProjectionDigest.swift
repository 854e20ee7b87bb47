import AgreementDomain
import Foundation
import Hummingbird
import WangqianPostgres

/// A whole projection, for comparing services with each other and with a fresh replay of the log.
public struct ProjectionDigest: Codable, ResponseEncodable, Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var status: AgreementStatus
        public var version: Int
        public var state: Agreement
    }
    public var service: String
    public var agreements: [Entry]
    public var eventsApplied: Int?

    public init(service: String, agreements: [Agreement], eventsApplied: Int?) {
        self.service = service
        self.agreements = agreements.sorted { $0.id.uuid.wire < $1.id.uuid.wire }
            .map { Entry(id: $0.id.uuid.wire, status: $0.status, version: $0.version, state: $0) }
        self.eventsApplied = eventsApplied
    }

    static func load(service: String, pool: PostgresPool, progress: ConsumerProgress) async throws -> ProjectionDigest {
        let rows = try await pool.query("select state from agreements")
        let agreements = try rows.map { try $0.decode("state", as: PostgresJSON<Agreement>.self).value }
        return ProjectionDigest(service: service, agreements: agreements, eventsApplied: await progress.eventsApplied)
    }
}

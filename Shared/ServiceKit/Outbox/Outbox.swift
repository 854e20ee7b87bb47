import Foundation
import WangqianPostgres

/// One event waiting to be published: a Kafka record already encoded as a CloudEvent.
public struct OutboxRecord: Sendable {
    public var eventID: UUID
    public var topic: String
    public var key: String
    public var headers: [String: String]
    public var value: [UInt8]

    public init(eventID: UUID, topic: String, key: String, headers: [String: String], value: [UInt8]) {
        self.eventID = eventID
        self.topic = topic
        self.key = key
        self.headers = headers
        self.value = value
    }
}

/// The transactional outbox: a service records the events it emits in the same transaction as its own
/// state change; `OutboxRelay` publishes them afterwards, in the order they were recorded.
public enum Outbox {
    public static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "outbox", sql: """
            create table outbox (
                seq bigserial primary key,
                event_id uuid not null unique,
                topic text not null,
                key text not null,
                headers jsonb not null,
                value bytea not null,
                created_at timestamptz not null default now(),
                published_at timestamptz,
                attempts int not null default 0
            );
            create index outbox_unpublished on outbox (seq) where published_at is null;
            """),
        // A service consumes its own agreement events too; `confirmed` records that its consumer saw one in the log.
        PostgresMigration(version: 4, name: "outbox confirmation", sql: """
            alter table outbox add column confirmed boolean not null default false;
            update outbox set confirmed = true where published_at is not null;
            create index outbox_unconfirmed on outbox (published_at) where published_at is not null and not confirmed;
            """),
    ]

    /// Records events inside the caller's transaction.
    public static func append(_ records: [OutboxRecord], on connection: PostgresConnection) async throws {
        for r in records {
            try await connection.execute("""
                insert into outbox (event_id, topic, key, headers, value)
                values (\(r.eventID), \(r.topic), \(r.key), \(PostgresJSON(r.headers)), \(r.value))
                """)
        }
    }

    /// Records, in the consumer's transaction, that one of our own events was read back from the log.
    public static func confirm(_ eventID: UUID, on connection: PostgresConnection) async throws {
        try await connection.execute("update outbox set confirmed = true where event_id = \(eventID) and not confirmed")
    }

    /// How many events are recorded but not yet published (for readiness and status).
    public static func backlog(on pool: PostgresPool) async throws -> Int {
        let rows = try await pool.query("select count(*)::bigint as n from outbox where published_at is null")
        return Int(try rows[0].decode("n", as: Int64.self))
    }
}

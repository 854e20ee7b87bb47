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
        // An event that can never be published (refused by the broker, or dead-lettered by our own consumer) is
        // parked with its reason instead of being sent again and again; each topic is published independently.
        PostgresMigration(version: 6, name: "outbox parking and lanes", sql: """
            alter table outbox add column parked_at timestamptz, add column park_reason text,
                add column publish_failures int not null default 0;
            drop index outbox_unpublished;
            create index outbox_unpublished on outbox (topic, seq) where published_at is null and parked_at is null;
            create index outbox_open on outbox (topic) where not confirmed;
            """),
        // Where the broker acknowledged each event: it is lost only once our consumer has read past that offset.
        PostgresMigration(version: 8, name: "outbox delivery offsets", sql: """
            alter table outbox add column published_partition int, add column published_offset bigint;
            """),
    ]

    /// How many times an event is published without being read back before it is parked.
    public static let maxPublications = 5
    /// How many times the broker may refuse an event before it is parked.
    public static let maxPublishFailures = 5

    /// Records events inside the caller's transaction, in order; many at a time (an import) in a few statements.
    public static func append(_ records: [OutboxRecord], on connection: PostgresConnection) async throws {
        let encoder = JSONEncoder()
        var start = records.startIndex
        while start < records.endIndex {
            let chunk = records[start..<min(start + 500, records.endIndex)]
            start = chunk.endIndex
            let texts = chunk.map { String(validating: $0.value, as: UTF8.self) }
            guard chunk.count > 1, !texts.contains(nil) else {
                for r in chunk {
                    try await connection.execute("""
                        insert into outbox (event_id, topic, key, headers, value)
                        values (\(r.eventID), \(r.topic), \(r.key), \(PostgresJSON(r.headers)), \(r.value))
                        """)
                }
                continue
            }
            let headers = try chunk.map { String(decoding: try encoder.encode($0.headers), as: UTF8.self) }
            try await connection.execute("""
                insert into outbox (event_id, topic, key, headers, value)
                select id, topic, key, headers::jsonb, convert_to(value, 'UTF8')
                from unnest(\(chunk.map(\.eventID))::uuid[], \(chunk.map(\.topic))::text[], \(chunk.map(\.key))::text[],
                            \(headers)::text[], \(texts.map { $0! })::text[]) with ordinality as u(id, topic, key, headers, value, n)
                order by n
                """)
        }
    }

    /// Records, in the consumer's transaction, that these events of ours were read back from the log.
    /// An event parked as never read back that does show up after all is no longer failed.
    public static func confirm(_ eventIDs: [UUID], on connection: PostgresConnection) async throws {
        guard !eventIDs.isEmpty else { return }
        // Rows are locked in `seq` order, as the relay locks them when it marks them published: the two never
        // wait for each other in a circle (a deadlock), however their batches overlap.
        try await connection.execute("""
            update outbox set confirmed = true,
                parked_at = case when park_reason like 'published %' then null else parked_at end,
                park_reason = case when park_reason like 'published %' then null else park_reason end
            where seq in (select seq from outbox where event_id = any(\(eventIDs)::uuid[]) and not confirmed order by seq for update)
            """)
    }

    /// Parks an event for good (its command then reads `failed` with `reason`), unless it is already confirmed.
    public static func park(_ eventID: UUID, reason: String, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            update outbox set parked_at = now(), park_reason = \(String(reason.prefix(1000)))
            where event_id = \(eventID) and parked_at is null and not confirmed
            """)
    }

    /// Why an event of ours was parked, or nil when it was not.
    public static func parkReason(of eventID: UUID, on pool: PostgresPool) async throws -> String? {
        try await pool.query("select park_reason from outbox where event_id = \(eventID) and parked_at is not null").first?
            .decode("park_reason", as: String?.self)
    }

    /// How many events are recorded but not yet published (for readiness and status).
    public static func backlog(on pool: PostgresPool) async throws -> Int {
        let rows = try await pool.query("select count(*)::bigint as n from outbox where published_at is null and parked_at is null")
        return Int(try rows[0].decode("n", as: Int64.self))
    }

    /// The outbox per topic, for the status endpoint.
    public struct LaneStatus: Codable, Sendable {
        public var topic: String
        public var unpublished: Int
        public var oldestUnpublishedAgeSeconds: Double?
        public var awaitingReadBack: Int
        /// Publications repeated because the log did not show an acknowledged record.
        public var republished: Int
        public var parked: Int
    }

    /// One parked event, for the status endpoint.
    public struct ParkedEvent: Codable, Sendable {
        public var eventID: String
        public var topic: String
        public var key: String
        public var parkedAt: Date
        public var reason: String
    }

    public static func lanes(on pool: PostgresPool) async throws -> [LaneStatus] {
        let rows = try await pool.query("""
            select topic,
                   count(*) filter (where published_at is null and parked_at is null)::bigint as unpublished,
                   extract(epoch from now() - min(created_at) filter (where published_at is null and parked_at is null))::float8 as age,
                   count(*) filter (where published_at is not null and not confirmed and parked_at is null)::bigint as unconfirmed,
                   count(*) filter (where parked_at is not null)::bigint as parked,
                   coalesce(sum(attempts), 0)::bigint as republished
            from outbox group by topic order by topic
            """)
        return try rows.map { row in
            LaneStatus(topic: try row.decode("topic"), unpublished: Int(try row.decode("unpublished", as: Int64.self)),
                       oldestUnpublishedAgeSeconds: try row.decode("age", as: Double?.self),
                       awaitingReadBack: Int(try row.decode("unconfirmed", as: Int64.self)),
                       republished: Int(try row.decode("republished", as: Int64.self)),
                       parked: Int(try row.decode("parked", as: Int64.self)))
        }
    }

    public static func parked(limit: Int, on pool: PostgresPool) async throws -> [ParkedEvent] {
        let rows = try await pool.query("""
            select event_id, topic, key, parked_at, park_reason from outbox where parked_at is not null
            order by parked_at desc limit \(limit)
            """)
        return try rows.map { row in
            ParkedEvent(eventID: try row.decode("event_id", as: UUID.self).wire, topic: try row.decode("topic"),
                        key: try row.decode("key"), parkedAt: try row.decode("parked_at"),
                        reason: try row.decode("park_reason", as: String?.self) ?? "")
        }
    }
}

import Foundation
import Logging
import ServiceLifecycle
import WangqianKafka
import WangqianPostgres

/// Publishes the outbox to Kafka in recording order, and marks what the broker acknowledged.
///
/// While the broker is down, commands are still accepted (they only write the outbox); the relay retries
/// with back-off and catches up when the broker is back. A crash between publishing and marking publishes
/// the same event again: consumers drop duplicates by event id.
public final class OutboxRelay: Service, Sendable {
    private let pool: PostgresPool
    private let producer: KafkaProducer
    private let logger: Logger
    private let wake: Signal
    private let batchSize: Int
    private let confirmedTopics: [String]
    private let republishAfter: Duration

    public init(pool: PostgresPool, producer: KafkaProducer, logger: Logger, confirmedTopics: [String] = [],
                republishAfter: Duration = .seconds(3), batchSize: Int = 500) {
        self.confirmedTopics = confirmedTopics
        self.republishAfter = republishAfter
        self.pool = pool
        self.producer = producer
        self.logger = logger
        self.wake = Signal()
        self.batchSize = batchSize
    }

    /// Asks the relay to look at the outbox now rather than at its next poll.
    public func nudge() { wake.fire() }

    public func run() async throws {
        var backoff = Duration.milliseconds(100)
        var lastCheck = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if ContinuousClock.now - lastCheck > .seconds(1) {
                    lastCheck = ContinuousClock.now
                    try await requeueUnconfirmed()
                }
                let published = try await publishBatch()
                backoff = .milliseconds(100)
                if published == 0 { await wake.wait(upTo: .milliseconds(200)) }
            } catch {
                logger.warning("outbox relay could not publish; will retry", metadata: ["error": "\(error)", "retry.in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    /// Puts events back in the queue that were acknowledged but never read back from the log.
    func requeueUnconfirmed() async throws {
        guard !confirmedTopics.isEmpty, republishAfter > .zero else { return }
        let seconds = Double(republishAfter.components.seconds) + Double(republishAfter.components.attoseconds) / 1e18
        let requeued = try await pool.execute("""
            update outbox set published_at = null, attempts = attempts + 1
            where published_at is not null and not confirmed and topic = any(\(confirmedTopics)::text[])
              and published_at < now() - make_interval(secs => \(seconds))
            """)
        if requeued > 0 {
            logger.warning("events acknowledged by the broker but not found in the log; publishing them again",
                           metadata: ["count": "\(requeued)"])
        }
    }

    /// Publishes one batch; returns how many events were published.
    func publishBatch() async throws -> Int {
        try await pool.withTransaction { connection in
            // One relay at a time per database, so that replicas cannot reorder one agreement's events.
            try await connection.execute("select pg_advisory_xact_lock(7301001)")
            let rows = try await connection.query("""
                select seq, topic, key, headers, value from outbox
                where published_at is null order by seq limit \(self.batchSize)
                """)
            guard !rows.isEmpty else { return 0 }
            var messages: [KafkaOutgoingMessage] = []
            var seqs: [Int64] = []
            for row in rows {
                let headers = try row.decode("headers", as: PostgresJSON<[String: String]>.self).value
                messages.append(KafkaOutgoingMessage(
                    topic: try row.decode("topic", as: String.self),
                    key: Array(try row.decode("key", as: String.self).utf8),
                    value: try row.decode("value", as: [UInt8].self),
                    headers: headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, string: $0.value) }))
                seqs.append(try row.decode("seq", as: Int64.self))
            }
            _ = try await self.producer.sendAll(messages)
            try await connection.execute("update outbox set published_at = clock_timestamp() where seq <= \(seqs.last!) and published_at is null")
            return messages.count
        }
    }
}

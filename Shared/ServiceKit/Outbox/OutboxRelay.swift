import Foundation
import Logging
import ServiceLifecycle
import WangqianKafka
import WangqianPostgres

/// Publishes the outbox to Kafka, each topic in recording order, and marks what the broker acknowledged.
///
/// - **Lanes.** Each topic is published by its own loop (and, if given, its own producer), so bulk reference data
///   (a 100,000-row roster import) never makes agreement commands wait. Order matters only per key, and a key
///   belongs to one topic, so per-topic order keeps it.
/// - **Outages.** While the broker is down, commands are still accepted (they only write the outbox); the lanes
///   retry with back-off and catch up when it is back. A crash between publishing and marking publishes the same
///   event again: consumers drop duplicates by event id.
/// - **Read-back.** An event acknowledged but not read back from the log by our own consumer within
///   `republishAfter` is published again, at most ``Outbox/maxPublications`` times.
/// - **Parking.** An event the broker refuses for good (too large, say) ``Outbox/maxPublishFailures`` times, or
///   that was published that often without ever appearing, is parked with its reason; the lane goes on.
public final class OutboxRelay: Service, Sendable {
    /// One topic's publishing loop and the producer it uses.
    public struct Lane: Sendable {
        public var topic: String
        public var producer: KafkaProducer
        /// Makes a fresh producer when this one can no longer be used (fenced or fatal, as the local broker
        /// sometimes fences an idempotent producer); nil: keep retrying with the same one.
        public var replaceProducer: (@Sendable () throws -> KafkaProducer)?
        /// At most this many records per second (in batches of a fifth of it), nil: as fast as the broker takes them.
        public var maxPerSecond: Int?
        public init(topic: String, producer: KafkaProducer, replaceProducer: (@Sendable () throws -> KafkaProducer)? = nil,
                    maxPerSecond: Int? = nil) {
            self.topic = topic
            self.producer = producer
            self.replaceProducer = replaceProducer
            self.maxPerSecond = maxPerSecond.flatMap { $0 > 0 ? $0 : nil }
        }
    }

    private let pool: PostgresPool
    private let lanes: [Lane]
    private let defaultProducer: KafkaProducer
    private let logger: Logger
    private let wakes: [String: WakeUpCall]
    private let batchSize: Int
    private let confirmedTopics: [String]
    private let republishAfter: Duration
    private let onParked: @Sendable (UUID) -> Void
    /// Fault injection (development profile only): the first publication of each event on these topics is
    /// marked acknowledged without being sent, as a broker that acknowledges and loses a record would.
    private let loseFirstPublication: Set<String>

    public init(pool: PostgresPool, lanes: [Lane], logger: Logger, confirmedTopics: [String] = [],
                republishAfter: Duration = .seconds(3), batchSize: Int = 500,
                loseFirstPublication: Set<String> = [], onParked: @escaping @Sendable (UUID) -> Void = { _ in }) {
        self.loseFirstPublication = loseFirstPublication
        precondition(!lanes.isEmpty, "an outbox relay needs at least one lane")
        self.pool = pool
        self.lanes = lanes
        self.defaultProducer = lanes[0].producer
        self.logger = logger
        self.wakes = Dictionary(uniqueKeysWithValues: lanes.map { ($0.topic, WakeUpCall()) })
        self.batchSize = batchSize
        self.confirmedTopics = confirmedTopics
        self.republishAfter = republishAfter
        self.onParked = onParked
    }

    /// One producer for whatever topic the outbox holds (tools and tests).
    public convenience init(pool: PostgresPool, producer: KafkaProducer, logger: Logger, confirmedTopics: [String] = [],
                            republishAfter: Duration = .seconds(3), batchSize: Int = 500) {
        self.init(pool: pool, lanes: [Lane(topic: "", producer: producer)], logger: logger,
                  confirmedTopics: confirmedTopics, republishAfter: republishAfter, batchSize: batchSize)
    }

    /// Asks the lanes to look at the outbox now rather than at their next poll.
    public func nudge() { for wake in wakes.values { wake.fire() } }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for lane in lanes { group.addTask { await self.runLane(lane) } }
            group.addTask { await self.runReadBackCheck() }
            await group.waitForAll()
        }
    }

    private var running: Bool { !Task.isCancelled && !Task.isShuttingDownGracefully }

    private func runLane(_ lane: Lane) async {
        var backoff = Duration.milliseconds(100)
        var producer = lane.producer
        let limit = lane.maxPerSecond.map { max(1, min(batchSize, $0 / 5)) } ?? batchSize
        while running {
            let started = ContinuousClock.now
            do {
                switch try await publishBatch(topic: lane.topic.isEmpty ? nil : lane.topic, producer: producer, limit: limit) {
                case .producerUnusable(let reason):
                    logger.error("the lane's producer can no longer be used; replacing it", metadata: ["topic": "\(lane.topic)", "error": "\(reason)"])
                    if let replace = lane.replaceProducer, let fresh = try? replace() {
                        if producer !== lane.producer { await producer.shutdown() }
                        producer = fresh
                    }
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(2))
                case .published(let n):
                    backoff = .milliseconds(100)
                    if n == 0 { await wakes[lane.topic]?.wait(upTo: .milliseconds(200)) }
                    if n > 0, let rate = lane.maxPerSecond {
                        try? await Task.sleep(until: started + .seconds(Double(n) / Double(rate)), clock: .continuous)
                    }
                case .refused(let parked):
                    if let parked { onParked(parked) }
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(2))
                }
            } catch {
                logger.warning("outbox relay could not publish; will retry",
                               metadata: ["topic": "\(lane.topic)", "error": "\(error)", "retry.in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }

    private func runReadBackCheck() async {
        guard !confirmedTopics.isEmpty, republishAfter > .zero else { return }
        while running {
            do { try await requeueUnconfirmed() } catch {
                logger.warning("outbox read-back check failed; will retry", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Puts events back in the queue that were acknowledged but never read back from the log; parks those
    /// published too often already.
    ///
    /// An event counts as lost only once our own consumer has read past the offset the broker acknowledged it at
    /// (or, for rows without an offset, once the window has passed): a consumer that merely lags behind causes no
    /// republication.
    func requeueUnconfirmed() async throws {
        guard !confirmedTopics.isEmpty, republishAfter > .zero else { return }
        let seconds = Double(republishAfter.components.seconds) + Double(republishAfter.components.attoseconds) / 1e18
        let parked = try await pool.query("""
            update outbox set parked_at = now(),
                park_reason = 'published ' || (attempts + 1) || ' times and never read back from the log'
            where published_at is not null and not confirmed and parked_at is null and topic = any(\(confirmedTopics)::text[])
              and published_at < now() - make_interval(secs => \(seconds))
              and (published_offset is null or exists (
                    select 1 from consumer_offsets c where c.topic = outbox.topic and c.partition = outbox.published_partition
                    and c.next_offset > outbox.published_offset))
              and attempts + 1 >= \(Outbox.maxPublications)
            returning event_id
            """)
        for row in parked {
            let id = try row.decode("event_id", as: UUID.self)
            logger.error("event parked: never read back from the log", metadata: ["event.id": "\(id)"])
            onParked(id)
        }
        let requeued = try await pool.execute("""
            update outbox set published_at = null, published_partition = null, published_offset = null, attempts = attempts + 1
            where published_at is not null and not confirmed and parked_at is null and topic = any(\(confirmedTopics)::text[])
              and published_at < now() - make_interval(secs => \(seconds))
              and (published_offset is null or exists (
                    select 1 from consumer_offsets c where c.topic = outbox.topic and c.partition = outbox.published_partition
                    and c.next_offset > outbox.published_offset))
            """)
        if requeued > 0 {
            logger.warning("events acknowledged by the broker but not found in the log; publishing them again",
                           metadata: ["count": "\(requeued)"])
        }
    }

    /// Marks rows published, with the partition and offset the broker acknowledged each at.
    static func markPublished(seqs: [Int64], reports: [KafkaDeliveryReport], on connection: PostgresConnection) async throws {
        // Locks in `seq` order, as `Outbox.confirm` does (no deadlock with the consumer confirming the same rows).
        try await connection.execute("select seq from outbox where seq = any(\(seqs.map(Int.init))::bigint[]) order by seq for update")
        try await connection.execute("""
            update outbox o set published_at = clock_timestamp(), published_partition = u.p, published_offset = u.off
            from unnest(\(seqs.map(Int.init))::bigint[], \(reports.map { Int($0.partition) })::int[], \(reports.map { Int($0.offset) })::bigint[]) as u(seq, p, off)
            where o.seq = u.seq
            """)
    }

    enum BatchOutcome: Equatable {
        case published(Int)
        /// The broker refused an event for good; it was counted (and parked at the limit: its id).
        case refused(parked: UUID?)
        /// The producer itself is fenced or failed fatally: nothing was counted against the events.
        case producerUnusable(String)
    }

    /// Publishes one batch of every topic with a backlog; returns how many events were published.
    func publishBatch() async throws -> Int {
        let topics = try await pool.query("select distinct topic from outbox where published_at is null and parked_at is null")
            .map { try $0.decode("topic", as: String.self) }
        var total = 0
        for topic in topics {
            if case .published(let n) = try await publishBatch(topic: topic, producer: defaultProducer) { total += n }
        }
        return total
    }

    /// Publishes one batch of `topic` (of every topic when nil) in recording order.
    func publishBatch(topic: String?, producer: KafkaProducer, limit: Int? = nil) async throws -> BatchOutcome {
        guard let topic else { return .published(try await publishBatch()) }
        return try await pool.withTransaction { connection in
            // One relay per topic at a time per database, so that replicas cannot reorder one key's events.
            try await connection.execute("select pg_advisory_xact_lock(7301001, hashtext(\(topic)))")
            var rows = try await connection.query("""
                select seq, event_id, topic, key, headers, value, attempts from outbox
                where topic = \(topic) and published_at is null and parked_at is null and not confirmed
                order by seq limit \(limit ?? self.batchSize)
                """).map { $0 }
            guard !rows.isEmpty else { return .published(0) }
            if self.loseFirstPublication.contains(topic) {
                let lost = try rows.filter { try $0.decode("attempts", as: Int.self) == 0 }.map { Int(try $0.decode("seq", as: Int64.self)) }
                if !lost.isEmpty {
                    try await connection.execute("update outbox set published_at = clock_timestamp() where seq = any(\(lost)::bigint[])")
                    self.logger.warning("fault injection: records marked acknowledged but not sent", metadata: ["topic": "\(topic)", "count": "\(lost.count)"])
                    rows = try rows.filter { try $0.decode("attempts", as: Int.self) > 0 }
                    guard !rows.isEmpty else { return .published(0) }
                }
            }
            var items: [(seq: Int64, id: UUID, message: KafkaOutgoingMessage)] = []
            for row in rows {
                let headers = try row.decode("headers", as: PostgresJSON<[String: String]>.self).value
                items.append((try row.decode("seq", as: Int64.self), try row.decode("event_id", as: UUID.self), KafkaOutgoingMessage(
                    topic: try row.decode("topic", as: String.self),
                    key: Array(try row.decode("key", as: String.self).utf8),
                    value: try row.decode("value", as: [UInt8].self),
                    headers: headers.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, string: $0.value) })))
            }
            do {
                let reports = try await producer.sendAll(items.map(\.message))
                // Exactly the rows sent: a row committed after the select, or requeued meanwhile, was not.
                try await Self.markPublished(seqs: items.map(\.seq), reports: reports, on: connection)
                return .published(items.count)
            } catch let error as KafkaError where !error.isRetriable {
                // Find the event the broker refuses: publish one at a time, in order, up to it.
                for item in items {
                    do {
                        let report = try await producer.send(item.message)
                        try await Self.markPublished(seqs: [item.seq], reports: [report], on: connection)
                    } catch let error as KafkaError where error.code == .fatal {
                        return .producerUnusable(error.message)
                    } catch let error as KafkaError where !error.isRetriable {
                        let failures = try await connection.query("""
                            update outbox set publish_failures = publish_failures + 1 where seq = \(item.seq) returning publish_failures
                            """)[0].decode("publish_failures", as: Int.self)
                        self.logger.error("the broker refused an event", metadata: [
                            "event.id": "\(item.id)", "topic": "\(topic)", "attempt": "\(failures)", "error": "\(error)"])
                        guard failures >= Outbox.maxPublishFailures else { return .refused(parked: nil) }
                        try await Outbox.park(item.id, reason: "refused by the broker \(failures) times: \(error.message)", on: connection)
                        return .refused(parked: item.id)
                    }
                }
                return .published(items.count)
            }
        }
    }
}

import AgreementContract
import AgreementDomain
import Foundation
import Logging
import Synchronization
import WangqianKafka
import WangqianPostgres

/// Rebuilds a service's agreement projection (`agreements`, `agreement_history`) from the agreement topic, while
/// the service runs: into a fresh schema, then swapped in.
///
/// 1. The projection's tables are created in the schema `projection_rebuild` by the projection's own migrations.
/// 2. The topic is read from its beginning up to the offsets the service's consumer has stored, and every record
///    that service would apply (signed by its emitter, allowed to emit it, not seen before) is applied there with
///    the same `AgreementProjection.apply`.
/// 3. In one transaction: the service's projection tables are locked (its consumer waits), the records it applied
///    since step 2 began are applied too, so the new tables stand exactly where its stored offsets do, and the
///    tables are swapped; the old ones are dropped. The consumer then goes on from its offsets, on the new tables.
///
/// Only the shared projection is rebuilt: what a service keeps besides it (agreement numbers, timers) stays. The
/// swap records the projection's new format (``ProjectionFormat``).
public struct ProjectionRebuild: Sendable {
    /// Where the rebuild stands, reported as it goes.
    public struct Progress: Sendable, CustomStringConvertible {
        public var phase: String
        public var read: Int
        public var applied: Int
        public var refused: Int
        public var skipped: Int
        /// Records still to read up to the stored offsets.
        public var remaining: Int64

        public var description: String {
            "\(phase): \(read) records read, \(applied) applied, \(refused) refused by the decider, \(skipped) skipped (unverifiable or repeated), \(remaining) to go"
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    static let schema = "projection_rebuild"
    static let retired = "projection_retired"

    let postgres: PostgresConfig
    let kafka: KafkaConfig
    let topic: String
    let keys: EventKeyRing
    let logger: Logger
    /// How long the log may stay silent before a partition that has not reached its stored offset is a failure.
    let idle: Duration
    /// The shortest such silence a rebuild accepts: a broker under load can pause its fetches for seconds (seen
    /// with the local broker while four services ran their suites), and giving up then fails a rebuild that
    /// would have finished.
    public static let minimumIdleSeconds: Double = 30

    public init(postgres: PostgresConfig, kafka: KafkaConfig, topic: String, keys: EventKeyRing, logger: Logger,
                idle: Duration = .seconds(minimumIdleSeconds)) {
        self.postgres = postgres
        self.kafka = kafka
        self.topic = topic
        self.keys = keys
        self.logger = logger
        self.idle = idle
    }

    /// Runs the rebuild; `report` is called every few hundred records and at the end of each phase.
    @discardableResult
    public func run(report: @escaping @Sendable (Progress) -> Void) async throws -> Progress {
        let connection = try await PostgresConnection.connect(config: postgres, logger: logger)
        do {
            let done = try await run(on: connection, report: report)
            await connection.close()
            return done
        } catch {
            await connection.close()
            throw error
        }
    }

    private func run(on connection: PostgresConnection, report: @escaping @Sendable (Progress) -> Void) async throws -> Progress {
        try await connection.executeScript("""
            drop schema if exists \(Self.schema) cascade; drop schema if exists \(Self.retired) cascade;
            create schema \(Self.schema); set search_path = \(Self.schema);
            """)
        for migration in AgreementProjection.migrations.sorted(by: { $0.version < $1.version }) {
            try await connection.executeScript(migration.sql)
        }
        var state = Reading(progress: Progress(phase: "replaying", read: 0, applied: 0, refused: 0, skipped: 0, remaining: 0))
        // What the service's consumer dead-lettered, it never applied.
        for row in try await connection.query("select event_id from public.dead_letters where topic = \(topic) and event_id is not null") {
            state.seen.insert(try row.decode("event_id", as: UUID.self))
        }
        let partitions = try await KafkaAdmin.partitionCount(topic: topic, config: kafka)
        var position = Dictionary(uniqueKeysWithValues: (0..<partitions).map { ($0, Int64(0)) })

        // Step 2: up to the offsets stored when it began, in transactions of a few hundred records.
        let target = try await storedOffsets(on: connection, lock: false)
        try await read(from: &position, to: target, state: &state, on: connection, inTransactions: true, report: report)
        report(state.progress)

        // Step 3: the service's projection locked, the rest read, the tables swapped, in one transaction.
        state.progress.phase = "swapping"
        try await connection.executeScript("begin")
        do {
            try await connection.executeScript("lock table public.agreements, public.agreement_history in access exclusive mode")
            let final = try await storedOffsets(on: connection, lock: true)
            try await read(from: &position, to: final, state: &state, on: connection, inTransactions: false, report: report)
            try await connection.executeScript("""
                create schema \(Self.retired);
                alter table public.agreements set schema \(Self.retired);
                alter table public.agreement_history set schema \(Self.retired);
                alter table \(Self.schema).agreements set schema public;
                alter table \(Self.schema).agreement_history set schema public;
                update public.projection_format set state_format = \(ProjectionFormat.current) where id = 1;
                drop schema \(Self.retired) cascade;
                drop schema \(Self.schema);
                commit;
                """)
        } catch {
            try? await connection.executeScript("rollback")
            throw error
        }
        state.progress.phase = "swapped"
        report(state.progress)
        return state.progress
    }

    private struct Reading {
        var progress: Progress
        var seen = Set<UUID>()
    }

    /// The next offset the service's agreement consumer stored per partition (0 where it stored none).
    private func storedOffsets(on connection: PostgresConnection, lock: Bool) async throws -> [Int32: Int64] {
        let rows = lock
            ? try await connection.query("select partition, next_offset from public.consumer_offsets where topic = \(topic) for update")
            : try await connection.query("select partition, next_offset from public.consumer_offsets where topic = \(topic)")
        var offsets: [Int32: Int64] = [:]
        for row in rows { offsets[Int32(try row.decode("partition", as: Int.self))] = try row.decode("next_offset", as: Int64.self) }
        return offsets
    }

    /// Reads every partition from `position` up to `target` (exclusive) and applies what the service would.
    private func read(from position: inout [Int32: Int64], to target: [Int32: Int64], state: inout Reading,
                      on connection: PostgresConnection, inTransactions: Bool,
                      report: @Sendable (Progress) -> Void) async throws {
        let pending = position.compactMap { partition, at -> KafkaTopicPartitionOffset? in
            (target[partition] ?? 0) > at ? KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: at) : nil
        }
        state.progress.remaining = pending.reduce(0) { $0 + (target[$1.partition] ?? 0) - $1.offset }
        guard !pending.isEmpty else { return }
        let consumer = try KafkaConsumer.assign(pending, config: kafka, logger: logger)
        let lastSeen = LastSeen()
        let idle = self.idle
        let watchdog = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(200))
                if lastSeen.silentFor > idle { await consumer.close(); return }
            }
        }
        defer { watchdog.cancel() }
        var messages = consumer.messages.makeAsyncIterator()
        var open = inTransactions
        if inTransactions { try await connection.executeScript("begin") }
        do {
            while position.contains(where: { (target[$0.key] ?? 0) > $0.value }) {
                let batch = try await messages.nextBatch(maxCount: 500)
                lastSeen.touch()
                if batch.isEmpty {
                    let short = position.filter { (target[$0.key] ?? 0) > $0.value }
                        .map { "partition \($0.key) at \($0.value) of \(target[$0.key] ?? 0)" }.sorted()
                    throw Failure(description: "the log ended before the offsets the service stored (\(short.joined(separator: ", "))): the broker no longer holds records the service applied")
                }
                for message in batch where message.offset < (target[message.partition] ?? 0) && message.offset >= (position[message.partition] ?? 0) {
                    position[message.partition] = message.offset + 1
                    state.progress.read += 1
                    state.progress.remaining -= 1
                    try await apply(message, state: &state, on: connection)
                }
                if inTransactions {
                    try await connection.executeScript("commit; begin")
                    report(state.progress)
                }
            }
            if inTransactions { try await connection.executeScript("commit"); open = false }
        } catch {
            if open { try? await connection.executeScript("rollback") }
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    /// Applies one record as the service's consumer does: verified, deduplicated, evolved by the decider.
    private func apply(_ message: KafkaMessage, state: inout Reading, on connection: PostgresConnection) async throws {
        guard let decoded = try? keys.open(message),
              case .agreement(let event) = decoded.event, state.seen.insert(decoded.id).inserted else {
            state.progress.skipped += 1
            return
        }
        switch try await AgreementProjection.apply(event, eventID: decoded.id, on: connection) {
        case .applied: state.progress.applied += 1
        case .refused: state.progress.refused += 1
        }
    }
}

/// When the log last delivered something, for the rebuild's idle watchdog.
private final class LastSeen: Sendable {
    private let at = Mutex(ContinuousClock.now)
    func touch() { at.withLock { $0 = .now } }
    var silentFor: Duration { ContinuousClock.now - at.withLock { $0 } }
}

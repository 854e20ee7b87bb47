import AgreementDomain
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import WangqianPostgres

/// Fires due timers: decides the auto-confirmation on the scheduler's projection and records the event in the
/// outbox in the same transaction that marks the timer fired, so it is emitted exactly once — across restarts,
/// duplicate events and several replicas (`for update skip locked`).
final class TimerFiring: Service, Sendable {
    let pool: PostgresPool
    let outbox: EventOutbox
    let logger: Logger
    let wake = WakeUpCall()

    init(pool: PostgresPool, outbox: EventOutbox, logger: Logger) {
        self.pool = pool
        self.outbox = outbox
        self.logger = logger
    }

    func nudge() { wake.fire() }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let fired = try await fireDue()
                if fired == 0 { await wake.wait(upTo: .seconds(1)) }
            } catch {
                logger.warning("timer firing failed; will retry", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Fires up to one batch of due timers; returns how many emitted an event.
    func fireDue() async throws -> Int {
        let (outbox, now) = (self.outbox, self.outbox.clock.now)
        let fired = try await pool.withTransaction { connection -> Int in
            let due = try await connection.query("""
                select agreement_id, signing_round from timers
                where status = 'pending' and due_at <= \(now)
                order by due_at limit 100 for update skip locked
                """)
            var fired = 0
            for row in due {
                let id = AgreementID(try row.decode("agreement_id", as: UUID.self))
                let round: Int = try row.decode("signing_round")
                let state = try await AgreementProjection.load(id, on: connection)
                let events: [AgreementEvent]
                do {
                    events = try AgreementDecider.decide(.autoConfirm(signingRound: round), by: .system("scheduler"), state: state, now: now)
                } catch {
                    // The agreement moved on (confirmed, taken back…) before this timer was cancelled.
                    try await connection.execute("""
                        update timers set status = 'cancelled', note = \((error as? AgreementRefusal)?.message ?? "\(error)"), updated_at = now()
                        where agreement_id = \(id.uuid) and signing_round = \(round)
                        """)
                    continue
                }
                let records = try await outbox.append(events.map { .agreement($0) }, on: connection)
                try await connection.execute("""
                    update timers set status = 'fired', event_id = \(records.last?.eventID), note = 'auto-confirmation emitted', updated_at = now()
                    where agreement_id = \(id.uuid) and signing_round = \(round)
                    """)
                fired += records.isEmpty ? 0 : 1
            }
            return fired
        }
        if fired > 0 {
            logger.info("auto-confirmations emitted", metadata: ["count": "\(fired)"])
            outbox.committed()
        }
        return fired
    }
}

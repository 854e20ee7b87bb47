import Foundation
import ServiceKit

/// The scheduler's timers and saved clock as its routes use them (``Timers`` on PostgreSQL).
protocol TimerRecords: Sendable {
    /// The timers, soonest due first; only one agreement's with `agreement`.
    func list(agreement: UUID?) async throws -> [Timers.Timer]
    /// Saves the controllable clock's offset, so that a restart keeps it.
    func save(_ clock: ServiceClock) async throws
}

import AgreementContract
import AgreementDomain
import Foundation
import Logging
import Synchronization
import WangqianPostgres

/// What became of a command.
public enum CommandResult: Sendable {
    /// The command repeated what the state already says: nothing was emitted.
    case unchanged(Agreement?)
    /// Our projection applied the command's event(s).
    case applied(commandID: UUID, Agreement)
    /// Recorded and (to be) published, but our projection has not applied it within the wait.
    case pending(commandID: UUID)
}

/// A command whose event can never be published or applied (parked, see `Outbox.park`); the HTTP edge answers
/// 422 `command_failed`.
public struct CommandFailed: Error, Sendable {
    public var reason: String
}

/// Runs agreement commands one way: the state is loaded once, the command decided once (throwing the domain's
/// ``AgreementRefusal``, which the HTTP edge maps), its events recorded in the outbox in the same transaction as
/// whatever the command needs written with them, then a bounded wait until the log has spoken through our own
/// projection.
public struct AgreementCommands: Sendable {
    let pool: PostgresPool
    let agreements: any AgreementReading
    let outbox: EventOutbox
    let arrivals: EventArrivals
    /// How long a command waits for its outcome before answering `pending`.
    let wait: Duration

    public init(pool: PostgresPool, agreements: any AgreementReading, outbox: EventOutbox, arrivals: EventArrivals, wait: Duration) {
        self.pool = pool
        self.agreements = agreements
        self.outbox = outbox
        self.arrivals = arrivals
        self.wait = wait
    }

    /// Extra writes of the issuing service, committed atomically with the outbox.
    public typealias AlsoWrite = @Sendable (PostgresConnection, [AgreementEvent]) async throws -> Void

    /// Loads the agreement `id` (none yet is fine for a first draft) and runs `command` on it.
    public func execute(_ command: AgreementCommand, on id: AgreementID, by actor: Actor,
                        alsoWrite: AlsoWrite? = nil) async throws -> CommandResult {
        try await execute(on: try await agreements.agreement(id), id: id, by: actor,
                          { _ in command }, alsoWrite: alsoWrite)
    }

    /// Runs `command` on `agreement` as the caller already loaded it.
    public func execute(_ command: AgreementCommand, on agreement: Agreement, by actor: Actor,
                        alsoWrite: AlsoWrite? = nil) async throws -> CommandResult {
        try await execute(on: agreement, id: agreement.id, by: actor, { _ in command }, alsoWrite: alsoWrite)
    }

    /// Runs the command `prepare` builds inside the command's own transaction (say, with an agreement number it
    /// reserves there): a refused command rolls back, so it leaves nothing behind.
    public func execute(
        on state: Agreement?, id: AgreementID, by actor: Actor,
        _ prepare: @escaping @Sendable (PostgresConnection) async throws -> AgreementCommand,
        alsoWrite: AlsoWrite? = nil
    ) async throws -> CommandResult {
        let (outbox, arrivals, now) = (self.outbox, self.arrivals, self.outbox.clock.now)
        let commandID = UUIDBox()
        do {
            try await pool.withTransaction { connection in
                let command = try await prepare(connection)
                let events = try AgreementDecider.decide(command, by: actor, state: state, now: now)
                guard !events.isEmpty else { return }
                let records = try events.map { event throws(APIError) in try outbox.record(for: event) }
                // Registered before the outbox is written, so the arrival cannot be missed.
                arrivals.register(records.last!.eventID)
                commandID.set(records.last!.eventID)
                try await Outbox.append(records, on: connection)
                try await alsoWrite?(connection, events)
            }
        } catch {
            if let id = commandID.value { arrivals.forget(id) }
            throw error
        }
        guard let id = commandID.value else { return .unchanged(state) }
        outbox.committed()
        return try await awaitOutcome(id)
    }

    /// Waits for our projection to apply or refuse `commandID`; throws the refusal when the log refused it.
    func awaitOutcome(_ commandID: UUID) async throws -> CommandResult {
        _ = await arrivals.wait(for: commandID, upTo: wait)
        switch try await agreements.outcome(of: commandID) {
        case nil:
            if let reason = try await agreements.parkReason(of: commandID) { throw CommandFailed(reason: reason) }
            return .pending(commandID: commandID)
        case let (_, refusal?, _)?:
            throw refusal
        case let (_, nil, agreement)?:
            guard let agreement else { return .pending(commandID: commandID) }
            return .applied(commandID: commandID, agreement)
        }
    }
}

/// The one value a transaction closure hands back to its caller (set at most once, read after it ran).
private final class UUIDBox: Sendable {
    private let stored = Mutex<UUID?>(nil)
    func set(_ id: UUID) { stored.withLock { $0 = id } }
    var value: UUID? { stored.withLock { $0 } }
}

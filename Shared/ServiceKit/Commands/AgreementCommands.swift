import AgreementContract
import AgreementDomain
import Foundation
import Logging
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

/// Runs agreement commands: decide on this service's projection, record the events in the outbox in one
/// transaction, then wait (bounded) until the log has spoken through our own projection.
public struct AgreementCommands: Sendable {
    let runtime: ServiceRuntime

    public init(runtime: ServiceRuntime) { self.runtime = runtime }

    /// - Parameter alsoWrite: extra writes of the issuing service, committed atomically with the outbox.
    public func execute(
        _ command: AgreementCommand, on id: AgreementID, by actor: Actor,
        alsoWrite: (@Sendable (PostgresConnection, [AgreementEvent]) async throws -> Void)? = nil
    ) async throws -> CommandResult {
        let state = try await AgreementProjection.load(id, on: runtime.pool)
        let events: [AgreementEvent]
        do {
            events = try AgreementDecider.decide(command, by: actor, state: state, now: runtime.clock.now)
        } catch {
            throw APIError(error)
        }
        guard !events.isEmpty else { return .unchanged(state) }
        let records = try events.map { try runtime.outboxRecord(for: $0) }
        let commandID = records.last!.eventID
        runtime.arrivals.register(commandID)
        try await runtime.pool.withTransaction { connection in
            try await Outbox.append(records, on: connection)
            try await alsoWrite?(connection, events)
        }
        runtime.relay.nudge()
        return try await awaitOutcome(commandID, agreement: id)
    }

    /// Waits for our projection to apply or refuse `commandID`; throws the refusal when the log refused it.
    public func awaitOutcome(_ commandID: UUID, agreement id: AgreementID) async throws -> CommandResult {
        _ = await runtime.arrivals.wait(for: commandID, upTo: runtime.config.commandWait)
        switch try await AgreementProjection.outcome(of: commandID, on: runtime.pool) {
        case nil:
            if let reason = try await Outbox.parkReason(of: commandID, on: runtime.pool) { throw APIError.commandFailed(reason) }
            return .pending(commandID: commandID)
        case let (_, refusal?)?:
            throw APIError(refusal)
        case (_, nil)?:
            guard let agreement = try await AgreementProjection.load(id, on: runtime.pool) else {
                return .pending(commandID: commandID)
            }
            return .applied(commandID: commandID, agreement)
        }
    }
}

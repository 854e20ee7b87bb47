import WangqianPostgres

/// What a projection made of an event from the log: applied, or refused by the decider (the loser of a race).
public enum EventOutcome: String, Codable, CaseIterable, Sendable {
    case applied, refused

    /// The `outcome` column of an `agreement_history` row.
    static func decode(_ row: PostgresRow) throws -> EventOutcome {
        let text: String = try row.decode("outcome")
        guard let outcome = EventOutcome(rawValue: text) else {
            throw PostgresError(code: .decoding, message: "unknown event outcome \(text)")
        }
        return outcome
    }
}

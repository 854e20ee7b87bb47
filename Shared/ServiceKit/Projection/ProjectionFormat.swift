import Foundation
import Logging
import WangqianPostgres

/// The format of what the agreement projection stores: the jsonb of `Agreement` (`state`, `shared_state`) and of
/// the timeline's actor and refusal, which are the domain types' own encoding.
///
/// The projection is not a second contract: it is rebuilt from the log, the one source. So instead of a copy of
/// every domain type for storage, the stored format has a number. A change to the domain types' encoding
/// (a renamed or retyped field) bumps ``current`` and adds a golden file for it
/// (`Tests/ServiceKitTests/Golden/agreement-state.v<N>.json`, which fails until then); a service that starts on a
/// projection stored in another format rebuilds it from the agreement topic (``ProjectionRebuild``) before it
/// consumes or serves anything, and records the new format in the same transaction as the swap.
public enum ProjectionFormat {
    /// The format this code reads and writes.
    public static let current = 1

    /// Version 9 records the format of a projection created before formats had numbers: the current one then.
    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 9, name: "projection format", sql: """
            create table projection_format (id int primary key check (id = 1), state_format int not null);
            insert into projection_format (id, state_format) values (1, 1);
            """),
    ]

    /// The format the projection is stored in.
    public static func stored(on pool: PostgresPool) async throws -> Int {
        try await pool.query("select state_format from projection_format where id = 1")[0].decode("state_format", as: Int.self)
    }

    /// Rebuilds the projection when it is stored in another format than ``current``; returns whether it did.
    @discardableResult
    public static func ensureCurrent(pool: PostgresPool, rebuild: ProjectionRebuild, logger: Logger) async throws -> Bool {
        let stored = try await stored(on: pool)
        guard stored != current else { return false }
        logger.notice("the agreement projection is stored in format \(stored), this version reads format \(current): rebuilding it from the log")
        let done = try await rebuild.run { progress in logger.info("projection rebuild: \(progress)") }
        logger.notice("projection rebuilt in format \(current): \(done)")
        return true
    }
}

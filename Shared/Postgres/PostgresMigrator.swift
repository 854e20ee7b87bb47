import Logging

/// One schema change: SQL run as a script (several statements, no binds) in its own transaction.
/// Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM) do not belong here.
public struct PostgresMigration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Brings a database's schema up to date.
public enum PostgresMigrator {
    /// Applies, in version order, each migration not yet recorded in `table`, each in its own transaction
    /// together with its record row, so a failing migration leaves nothing behind and stops the run.
    ///
    /// Runners on several replicas may start at once: a transaction-scoped advisory lock, keyed by `table`,
    /// serialises them, and each re-checks the record under the lock, so every migration runs exactly once.
    /// Versions recorded in the database but unknown here (a newer replica's) are left alone.
    public static func run(
        _ migrations: [PostgresMigration], on pool: PostgresPool, logger: Logger,
        table: String = "schema_migrations"
    ) async throws {
        var versions = Set<Int>()
        for migration in migrations where !versions.insert(migration.version).inserted {
            throw PostgresError(code: .migration, message: "duplicate migration version \(migration.version)")
        }
        let lock = lockKey(table)
        let applied = try await pool.withTransaction { connection in
            try await connection.execute("select pg_advisory_xact_lock(\(lock))")
            try await connection.execute("""
                create table if not exists \(identifier: table) (
                    version bigint primary key,
                    name text not null,
                    applied_at timestamptz not null default now())
                """)
            return try await connection.query("select version from \(identifier: table)").map { row throws(PostgresError) in
                try row.decode(0, as: Int.self)
            }
        }
        let pending = migrations.filter { !applied.contains($0.version) }.sorted { $0.version < $1.version }
        for migration in pending {
            let didApply = try await pool.withTransaction { connection in
                try await connection.execute("select pg_advisory_xact_lock(\(lock))")
                let recorded = try await connection.query(
                    "select 1 from \(identifier: table) where version = \(migration.version)")
                guard recorded.isEmpty else { return false }  // another runner applied it meanwhile
                do {
                    try await connection.executeScript(migration.sql)
                } catch let error as PostgresError where error.code == .server {
                    throw PostgresError(
                        code: .migration,
                        message: "migration \(migration.version) \(migration.name) failed: \(error.message)",
                        sqlState: error.sqlState, constraintName: error.constraintName)
                }
                try await connection.execute(
                    "insert into \(identifier: table) (version, name) values (\(migration.version), \(migration.name))")
                return true
            }
            if didApply {
                logger.info(
                    "applied migration",
                    metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            }
        }
        logger.debug("schema up to date", metadata: ["migration.count": "\(migrations.count)"])
    }

    /// A stable 64-bit key (FNV-1a) for the advisory lock of one migrations table.
    static func lockKey(_ table: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "wangqian.migrations.\(table)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}

import Foundation
import Testing

@testable import WangqianPostgres

/// Against the real server: the migration runner.
@Suite struct MigratorTests {
    /// v1 creates a table and logs itself in it, v2 adds a column and logs itself, v3 logs itself.
    func migrations(_ db: TestDatabase.Scratch) -> [PostgresMigration] {
        let log = db.table("log")
        return [
            PostgresMigration(version: 1, name: "create log", sql: """
                create table \(log) (version int not null, note text);
                insert into \(log) (version) values (1);
                """),
            PostgresMigration(version: 2, name: "add column", sql: """
                alter table \(log) add column extra int;
                insert into \(log) (version) values (2);
                """),
        ]
    }

    @Test func appliesEachMigrationOnceInOrderAndRollsBackAFailingOne() async throws {
        try await TestDatabase.withScratch { db in
            let record = db.table("schema_migrations")
            let capture = LogCapture()
            // Out of order on purpose: the runner sorts by version.
            try await PostgresMigrator.run(migrations(db).reversed(), on: db.pool, logger: capture.logger, table: record)
            #expect(try await versions(db) == [1, 2])
            #expect(try await db.count("log") == 2)
            #expect(capture.messages.filter { $0.contains("applied migration") }.count == 2)
            #expect(capture.messages.contains { $0.contains("migration.version=1") })

            try await PostgresMigrator.run(migrations(db), on: db.pool, logger: capture.logger, table: record)
            #expect(try await db.count("log") == 2)
            #expect(capture.messages.filter { $0.contains("applied migration") }.count == 2)

            let failing = PostgresMigration(version: 3, name: "broken", sql: """
                create table \(db.table("half_done")) (id int);
                insert into \(db.table("log")) (version) values (3);
                insert into \(db.table("no_such_table")) values (1);
                """)
            let error = await #expect(throws: PostgresError.self) {
                try await PostgresMigrator.run(
                    migrations(db) + [failing], on: db.pool, logger: capture.logger, table: record)
            }
            #expect(error?.code == .migration)
            #expect(error?.sqlState == "42P01")
            #expect(error?.message.contains("migration 3 broken failed") == true)
            #expect(try await versions(db) == [1, 2])
            #expect(try await db.count("log") == 2)
            let halfDone = try await db.pool.query("select to_regclass(\(db.table("half_done"))) is null as gone")
            #expect(try halfDone[0].decode("gone", as: Bool.self))
        }
    }

    @Test func duplicateVersionsAreRefusedBeforeAnythingRuns() async throws {
        try await TestDatabase.withScratch { db in
            let twice = migrations(db) + [PostgresMigration(version: 2, name: "again", sql: "select 1")]
            let error = await #expect(throws: PostgresError.self) {
                try await PostgresMigrator.run(
                    twice, on: db.pool, logger: TestDatabase.logger, table: db.table("schema_migrations"))
            }
            #expect(error?.code == .migration)
            let table = try await db.pool.query("select to_regclass(\(db.table("schema_migrations"))) is null as absent")
            #expect(try table[0].decode("absent", as: Bool.self))
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        try await TestDatabase.withScratch { db in
            let record = db.table("schema_migrations")
            let capture = LogCapture()
            let replica = PostgresPool(config: TestDatabase.config, logger: TestDatabase.logger)
            let all = migrations(db) + [
                PostgresMigration(version: 3, name: "slow", sql: """
                    select pg_sleep(0.2);
                    insert into \(db.table("log")) (version) values (3);
                    """)
            ]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for pool in [db.pool, replica, db.pool] {
                    group.addTask {
                        try await PostgresMigrator.run(all, on: pool, logger: capture.logger, table: record)
                    }
                }
                try await group.waitForAll()
            }
            await replica.close()
            #expect(try await versions(db) == [1, 2, 3])
            let perVersion = try await db.pool.query(
                "select version, count(*) as n from \(identifier: db.table("log")) group by version order by version")
            #expect(try perVersion.map { try $0.decode("n", as: Int.self) } == [1, 1, 1])
            #expect(capture.messages.filter { $0.contains("applied migration") }.count == 3)
        }
    }

    private func versions(_ db: TestDatabase.Scratch) async throws -> [Int] {
        try await db.pool.query("select version from \(identifier: db.table("schema_migrations")) order by version")
            .map { try $0.decode("version") }
    }
}

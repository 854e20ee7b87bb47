import Foundation
import Testing

@testable import WangqianPostgres

/// Against the real server: transactions, injection, error hygiene.
@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test func throwingTransactionLeavesNoTraceAndCommittedOnePersists() async throws {
        try await TestDatabase.withScratch { db in
            let notes = db.table("notes")
            try await db.pool.execute("create table \(identifier: notes) (id serial primary key, note text not null)")

            await #expect(throws: Boom.self) {
                try await db.pool.withTransaction { connection in
                    try await connection.execute("insert into \(identifier: notes) (note) values (\("ghost"))")
                    #expect(try await connection.query("select 1 from \(identifier: notes)").count == 1)
                    throw Boom()
                }
            }
            #expect(try await db.count("notes") == 0)

            let inserted = try await db.pool.withTransaction { connection in
                try await connection.execute("insert into \(identifier: notes) (note) values (\("kept")), (\("also"))")
            }
            #expect(inserted == 2)
            #expect(try await db.count("notes", where: "note in ('kept', 'also')") == 2)
        }
    }

    @Test func failedStatementInsideTransactionRollsBackEvenIfSwallowed() async throws {
        try await TestDatabase.withScratch { db in
            let items = db.table("items")
            try await db.pool.execute("create table \(identifier: items) (id int primary key)")
            let error = await #expect(throws: PostgresError.self) {
                try await db.pool.withTransaction { connection in
                    try await connection.execute("insert into \(identifier: items) values (\(1))")
                    _ = try? await connection.execute("insert into \(identifier: items) values (\(1))")  // duplicate
                }
            }
            #expect(error?.code == .transactionRolledBack)
            #expect(try await db.count("items") == 0)
        }
    }

    @Test func isolationLevelIsApplied() async throws {
        try await TestDatabase.withScratch { db in
            let level = try await db.pool.withTransaction(isolation: .serializable) { connection in
                try await connection.query("show transaction_isolation")[0].decode(0, as: String.self)
            }
            #expect(level == "serializable")
        }
    }

    @Test func injectionAttemptIsStoredLiterally() async throws {
        try await TestDatabase.withScratch { db in
            let x = db.table("x")
            try await db.pool.execute("create table \(identifier: x) (id serial primary key, note text)")
            let attack = "'); drop table \(x); --"
            try await db.pool.execute("insert into \(identifier: x) (note) values (\(attack))")
            let rows = try await db.pool.query("select note from \(identifier: x) where note = \(attack)")
            #expect(rows.count == 1)
            #expect(try rows[0].decode("note", as: String.self) == attack)
            let exists = try await db.pool.query("select to_regclass(\(x)) is not null as present")
            #expect(try exists[0].decode("present", as: Bool.self))
            // An identifier is quoted, so a hostile one only names an odd table.
            let odd = db.table("y\"; drop table x; --")
            try await db.pool.execute("create table \(identifier: odd) (id int)")
            #expect(try await db.count("x") == 1)
        }
    }

    @Test func errorsNeverShowBoundValuesOrPasswords() async throws {
        try await TestDatabase.withScratch { db in
            let secrets = db.table("secrets")
            try await db.pool.execute("create table \(identifier: secrets) (token text primary key)")
            let secret = "s3cr3t-\(UUID().uuidString)"
            try await db.pool.execute("insert into \(identifier: secrets) values (\(secret))")
            let duplicate = await #expect(throws: PostgresError.self) {
                try await db.pool.execute("insert into \(identifier: secrets) values (\(secret))")
            }
            #expect(duplicate?.isUniqueViolation == true)
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.code == .server)
            #expect(duplicate?.constraintName == "secrets_pkey")
            #expect(duplicate?.isRetriable == false)
            #expect(duplicate?.description.contains("duplicate key") == true)
            #expect(duplicate?.description.contains(secret) == false)

            let badInput = await #expect(throws: PostgresError.self) {
                try await db.pool.query("select \(secret)::int")
            }
            #expect(badInput?.sqlState == "22P02")
            #expect(badInput?.description.contains("invalid input syntax") == true)
            #expect(badInput?.description.contains(secret) == false)
            #expect(badInput?.description.contains("s3cr3t") == false)

            var wrong = TestDatabase.config
            wrong.password = "hunter2-\(UUID().uuidString)"
            let refused = await #expect(throws: PostgresError.self) {
                try await PostgresConnection.connect(config: wrong, logger: TestDatabase.logger)
            }
            #expect(refused?.code == .connectionFailed)
            #expect(refused?.description.contains("password authentication failed") == true)
            #expect(refused?.description.contains(wrong.password) == false)
        }
    }
}

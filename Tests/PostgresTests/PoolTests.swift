import Foundation
import Synchronization
import Testing

@testable import WangqianPostgres

/// Against the real server: sharing, bounding and cancelling leases.
@Suite struct PoolTests {
    @Test func fiftyTasksShareFiveConnections() async throws {
        let appName = TestDatabase.unique("wq-pool")
        try await TestDatabase.withScratch(poolSize: 5, applicationName: appName) { db in
            let observer = try await PostgresConnection.connect(config: TestDatabase.config, logger: TestDatabase.logger)
            let sampler = Task {
                var most = 0
                while !Task.isCancelled {
                    let rows = try await observer.query(
                        "select count(*) as n from pg_stat_activity where application_name = \(appName)")
                    most = max(most, try rows[0].decode("n", as: Int.self))
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return most
            }
            let inUse = InUse()
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<50 {
                    group.addTask {
                        try await db.pool.withConnection { connection in
                            inUse.counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                            defer { inUse.counts.withLock { $0.now -= 1 } }
                            let rows = try await connection.query("select \(task) as n, pg_sleep(0.02)")
                            return try rows[0].decode("n", as: Int.self)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            sampler.cancel()
            let mostOnServer = try await sampler.value
            await observer.close()
            #expect(answers.sorted() == Array(0..<50))
            #expect(inUse.counts.withLock { $0.most } <= 5)
            #expect(mostOnServer >= 1 && mostOnServer <= 5)
        }
    }

    @Test func cancelledWaiterDoesNotLeakTheConnection() async throws {
        let appName = TestDatabase.unique("wq-cancel")
        try await TestDatabase.withScratch(poolSize: 1, applicationName: appName) { db in
            try await db.pool.withConnection { held in
                let waiter = Task { try await db.pool.query("select 1") }
                try await Task.sleep(for: .milliseconds(100))  // queued behind `held`
                waiter.cancel()
                let outcome = await waiter.result
                #expect(throws: CancellationError.self) { try outcome.get() }
                _ = try await held.query("select 1")
            }
            // The only connection came back: the next lease gets it, and no second one was opened.
            let rows = try await db.pool.query(
                "select count(*) as n from pg_stat_activity where application_name = \(appName)")
            #expect(try rows[0].decode("n", as: Int.self) == 1)

            // A task cancelled before it leases gets nothing either.
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await db.pool.query("select 1")
            }
            let earlyOutcome = await early.result
            #expect(throws: CancellationError.self) { try earlyOutcome.get() }
            try await db.pool.ping()
        }
    }

    @Test func closedPoolRefusesWork() async throws {
        let pool = PostgresPool(config: TestDatabase.config, logger: TestDatabase.logger)
        try await TestDatabase.withScratch { _ in }  // the database exists
        try await pool.ping()
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.ping() }
        #expect(error?.code == .pool)
    }

    @Test func connectionLeftInATransactionIsCleanedBeforeReuse() async throws {
        try await TestDatabase.withScratch(poolSize: 1) { db in
            let t = db.table("t")
            try await db.pool.execute("create table \(identifier: t) (id int)")
            try await db.pool.withConnection { connection in
                try await connection.execute("begin")
                try await connection.execute("insert into \(identifier: t) values (\(1))")
            }
            #expect(try await db.count("t") == 0)
            // The same (only) connection is back in autocommit: this insert persists on its own.
            _ = try await db.pool.withConnection { connection in
                try await connection.execute("insert into \(identifier: t) values (\(2))")
            }
            let other = try await PostgresConnection.connect(config: TestDatabase.config, logger: TestDatabase.logger)
            #expect(try await other.query("select id from \(identifier: t)").map { try $0.decode(0, as: Int.self) } == [2])
            await other.close()
        }
    }
}

/// Connections in use at once, counted by the tasks that use them.
private final class InUse: Sendable {
    let counts = Mutex((now: 0, most: 0))
}

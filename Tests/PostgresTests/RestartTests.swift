import Foundation
import Testing

@testable import WangqianPostgres

/// Against a private server of the test's own, which it restarts.
@Suite struct RestartTests {
    @Test(.timeLimit(.minutes(1)))
    func nextQueryAfterServerRestartSucceeds() async throws {
        try await PrivatePostgresServer.withServer { server in
            var config = server.config
            config.poolSize = 2
            let pool = PostgresPool(config: config, logger: TestDatabase.logger)
            try await pool.execute("create table kept (id int)")
            try await pool.execute("insert into kept values (\(1))")
            // Open both connections, so both sit idle when the server goes away.
            async let first = pool.query("select pg_sleep(0.1)")
            async let second = pool.query("select pg_sleep(0.1)")
            _ = try await (first, second)

            // A statement in flight during the restart.
            let standalone = try await PostgresConnection.connect(config: server.config, logger: TestDatabase.logger)
            let inFlight = Task { try await standalone.query("select pg_sleep(30)") }
            try await Task.sleep(for: .milliseconds(300))

            try await server.restart()

            let rows = try await pool.query("select count(*) as n from kept")
            #expect(try rows[0].decode("n", as: Int.self) == 1)
            // Both pooled connections recover, not only the first one leased.
            async let third = pool.query("select pg_sleep(0.05), 3 as n")
            async let fourth = pool.query("select pg_sleep(0.05), 4 as n")
            let (a, b) = try await (third, fourth)
            #expect(try a[0].decode("n", as: Int.self) == 3 && b[0].decode("n", as: Int.self) == 4)

            let lost = await #expect(throws: PostgresError.self) { try await inFlight.value }
            #expect(lost?.code == .connectionLost)
            #expect(lost?.isRetriable == true)
            // A connection used on its own stays broken rather than silently starting a new session.
            let stillLost = await #expect(throws: PostgresError.self) { try await standalone.query("select 1") }
            #expect(stillLost?.code == .connectionLost)
            await standalone.close()
            await pool.close()
        }
    }
}

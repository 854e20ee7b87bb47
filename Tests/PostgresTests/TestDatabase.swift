import Foundation
import Synchronization
import Logging
import Testing

@testable import WangqianPostgres

/// The integration tests' database, `wangqian_test_pg` on the server PGHOST/PGPORT/PGUSER/PGPASSWORD name
/// (default 127.0.0.1:5432, wangqian), created on first use through the `postgres` database.
enum TestDatabase {
    static let name = "wangqian_test_pg"

    static var config: PostgresConfig {
        var config = PostgresConfig.fromEnvironment(database: name)
        config.database = name  // never a PGDATABASE from the environment: tests drop what they create
        config.applicationName = "wangqian-tests"
        return config
    }

    static var logger: Logger {
        var logger = Logger(label: "wangqian.postgres.tests")
        logger.logLevel = .warning
        return logger
    }

    /// A name no other test (or test run) uses.
    static func unique(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }

    private static let created = Task<Void, any Error> {
        var admin = config
        admin.database = "postgres"
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(config: admin, logger: logger)
        } catch {
            throw SetupError(
                "PostgreSQL unreachable at \(admin.host):\(admin.port) as \(admin.user) "
                    + "(start it: bash deploy/local/infra.sh start): \(error)")
        }
        let exists = try await connection.query("select 1 from pg_database where datname = \(name)")
        if exists.isEmpty {
            do {
                try await connection.execute("create database \(identifier: name)")
            } catch let error as PostgresError where error.sqlState == "42P04" || error.isUniqueViolation {
                // Another test process created it first.
            }
        }
        await connection.close()
    }

    /// A pool on the test database and a fresh schema for `body`'s tables; both are gone afterwards.
    static func withScratch<T: Sendable>(
        poolSize: Int = 4, applicationName: String = "wangqian-tests",
        _ body: (Scratch) async throws -> T
    ) async throws -> T {
        try await created.value
        var config = config
        config.poolSize = poolSize
        config.applicationName = applicationName
        let pool = PostgresPool(config: config, logger: logger)
        let scratch = Scratch(pool: pool, schema: unique("pgt"))
        try await pool.execute("create schema \(identifier: scratch.schema)")
        do {
            let value = try await body(scratch)
            await scratch.drop()
            return value
        } catch {
            await scratch.drop()
            throw error
        }
    }

    struct Scratch: Sendable {
        let pool: PostgresPool
        let schema: String

        /// A schema-qualified table name, for `\(identifier:)`.
        func table(_ name: String) -> String { "\(schema).\(name)" }

        /// Counts rows of `table` matching a condition written in the code.
        func count(_ table: String, where condition: String = "true") async throws -> Int {
            let rows = try await pool.query(
                "select count(*) as n from \(identifier: self.table(table)) where \(unescaped: condition)")
            return try rows[0].decode("n")
        }

        func drop() async {
            _ = try? await pool.execute("drop schema \(identifier: schema) cascade")
            await pool.close()
        }
    }
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Collects log messages, to check what a component reported.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var messages: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "capture") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).merging(metadata) { a, _ in a }
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(event.message) \(fields)") }
        }
    }
}

import Logging
import Synchronization

/// How a transaction sees concurrent ones.
public enum IsolationLevel: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}

/// Connections to one database, shared by any number of tasks.
///
/// Lazy: opens connections on demand, at most `config.poolSize`; further leases wait in FIFO order (a cancelled
/// waiter leaves the queue). A leased connection is checked first and reconnected if the server dropped it
/// (e.g. restarted), so the next statement after a restart succeeds; one returned broken, or inside a
/// transaction that cannot be rolled back, is closed and its slot freed.
public final class PostgresPool: Sendable {
    private typealias Waiter = CheckedContinuation<PoolGrant<PostgresConnection>, any Error>
    private typealias State = PoolStateMachine<PostgresConnection, Waiter>

    private let config: PostgresConfig
    private let logger: Logger
    private let state: Mutex<State>

    public init(config: PostgresConfig, logger: Logger) {
        self.config = config
        self.logger = logger
        self.state = Mutex(State(capacity: config.poolSize))
    }

    /// Leases a connection for `body` and returns it afterwards, whatever `body` does.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let value = try await body(connection)
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await withConnection { try await $0.execute(query) }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` throws, then rethrows its error.
    ///
    /// If a statement failed inside `body` and `body` swallowed the error, COMMIT rolls back and this throws
    /// `.transactionRolledBack`. A serialization failure (`isSerializationFailure`) is not retried here.
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.execute(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.sql)"))
            let value: T
            do {
                value = try await body(connection)
            } catch {
                do {
                    try await connection.execute("ROLLBACK")
                } catch let rollbackError {
                    // The connection is then closed on release rather than reused.
                    logger.warning("ROLLBACK failed", metadata: ["postgres.error": "\(rollbackError)"])
                }
                throw error
            }
            let commit = try await connection.query("COMMIT")
            if commit.commandTag == "ROLLBACK" {
                throw PostgresError(
                    code: .transactionRolledBack,
                    message: "the transaction had failed, COMMIT rolled it back")
            }
            return value
        }
    }

    /// Runs `select 1` on a leased connection.
    public func ping() async throws {
        try await execute("select 1")
    }

    /// Fails waiting leases and closes idle connections; leased ones close when returned. Later leases throw.
    public func close() async {
        let (idle, waiters) = state.withLock { $0.close() }
        for waiter in waiters { waiter.resume(throwing: Self.closedError) }
        for connection in idle { await connection.close() }
    }

    private static let closedError = PostgresError(code: .pool, message: "the pool is closed")

    private func lease() async throws -> PostgresConnection {
        let id = state.withLock { $0.makeWaiterID() }
        let grant = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                switch state.withLock({ $0.lease(id: id, waiter: waiter, isCancelled: Task.isCancelled) }) {
                case .grant(let grant): waiter.resume(returning: grant)
                case .wait: break
                case .failClosed: waiter.resume(throwing: Self.closedError)
                case .failCancelled: waiter.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            state.withLock { $0.cancel(id: id) }?.resume(throwing: CancellationError())
        }
        switch grant {
        case .connection(let connection):
            do {
                try await connection.revalidate()
                return connection
            } catch {
                await discard(connection)
                throw error
            }
        case .open:
            do {
                let connection = try await PostgresConnection.connect(config: config, logger: logger)
                logger.debug("pool opened a connection", metadata: ["postgres.pool.open": "\(state.withLock(\.openCount))"])
                return connection
            } catch {
                state.withLock { $0.openFailed() }?.resume(returning: .open)
                throw error
            }
        }
    }

    private func release(_ connection: PostgresConnection) async {
        let reusable = await connection.prepareForReuse()
        switch state.withLock({ $0.release(connection, reusable: reusable) }) {
        case .none:
            break
        case .handOver(let connection, let waiter):
            waiter.resume(returning: .connection(connection))
        case .close(let connection, let waiter):
            waiter?.resume(returning: .open)
            await connection.close()
        }
    }

    private func discard(_ connection: PostgresConnection) async {
        if case .close(let connection, let waiter) = state.withLock({ $0.release(connection, reusable: false) }) {
            waiter?.resume(returning: .open)
            await connection.close()
        }
    }
}

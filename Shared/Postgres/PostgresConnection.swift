import Clibpq
import Dispatch
import Foundation
import Logging

/// One libpq connection.
///
/// libpq calls block, so each connection runs them on its own serial dispatch queue, never on the Swift
/// concurrency pool; one statement runs at a time. Usually leased from a `PostgresPool`, which checks it,
/// reconnects it and discards it when broken; a connection used on its own stays broken after a lost
/// connection (every statement then throws `.connectionLost`), so that a transaction can never silently
/// continue on a new session.
public final class PostgresConnection: Sendable {
    private let queue: DispatchQueue
    /// Touched only on `queue` (and in deinit, when nothing else can).
    nonisolated(unsafe) private var handle: OpaquePointer?
    /// Receives libpq's notices; must outlive `handle`, which points at it.
    private let notices: NoticeSink
    private let logger: Logger

    private init(handle: OpaquePointer, queue: DispatchQueue, logger: Logger) {
        self.handle = handle
        self.queue = queue
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
        PQsetNoticeProcessor(handle, noticeProcessor, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Opens a connection (PQconnectdbParams: keywords and values, never a concatenated conninfo string).
    public static func connect(config: PostgresConfig, logger: Logger) async throws(PostgresError) -> PostgresConnection {
        let queue = DispatchQueue(label: "wangqian.postgres.connection")
        var logger = logger
        logger[metadataKey: "postgres.database"] = "\(config.database)"
        let opened = await withCheckedContinuation { (continuation: CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>) in
            queue.async { [logger] in
                continuation.resume(returning: open(config, queue: queue, logger: logger))
            }
        }
        return try opened.get()
    }

    private static func open(_ config: PostgresConfig, queue: DispatchQueue, logger: Logger) -> Result<PostgresConnection, PostgresError> {
        let keywords = config.connectionParameters.map { strdup($0.0) }
        let values = config.connectionParameters.map { strdup($0.1) }
        defer { (keywords + values).forEach { free($0) } }
        let handle = PQconnectdbParams(
            keywords.map { UnsafePointer($0) } + [nil], values.map { UnsafePointer($0) } + [nil], 0)
        guard let handle else {
            return .failure(PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection"))
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            // libpq's message names host, port and user, never the password.
            let message = Self.errorMessage(handle)
            PQfinish(handle)
            return .failure(PostgresError(code: .connectionFailed, message: message))
        }
        logger.debug("opened PostgreSQL connection", metadata: ["postgres.backend.pid": "\(PQbackendPID(handle))"])
        return .success(PostgresConnection(handle: handle, queue: queue, logger: logger))
    }

    /// Runs one statement with its binds (extended protocol: PQexecParams, text-format values and results).
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        try await onQueue { handle throws(PostgresError) in try Self.run(query, on: handle) }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws(PostgresError) -> Int {
        try await self.query(query).affectedRows
    }

    /// Runs several `;`-separated statements without binds (simple query protocol: PQexec), for migrations.
    /// Outside an explicit transaction they run as one implicit transaction; the first error stops them.
    public func executeScript(_ sql: String) async throws(PostgresError) {
        _ = try await onQueue { handle throws(PostgresError) in
            guard !sql.contains("\0") else {
                throw PostgresError(code: .invalidQuery, message: "the SQL contains a NUL byte")
            }
            return try Self.read(PQexec(handle, sql), on: handle, redacting: [])
        }
    }

    /// Closes the connection; later statements throw `.connectionLost`.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let handle = self.handle { PQfinish(handle) }
                self.handle = nil
                continuation.resume()
            }
        }
    }

    // MARK: For the pool

    /// Before a lease: reads whatever the server sent while the connection sat idle (a restarted server's
    /// goodbye, then end of file), and reconnects (PQreset) if that shows the connection broken.
    func revalidate() async throws(PostgresError) {
        try await onQueue { handle throws(PostgresError) in
            // A healthy idle socket has nothing to read. PQconsumeInput takes one read at a time, so the
            // goodbye message and the end of file may take two.
            var reads = 0
            while reads < 4, PQstatus(handle) == CONNECTION_OK, Self.isReadable(PQsocket(handle)) {
                if PQconsumeInput(handle) == 0 { break }
                reads += 1
            }
            if PQstatus(handle) == CONNECTION_OK { return }
            self.logger.info("PostgreSQL connection broken, reconnecting")
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PostgresError(code: .connectionFailed, message: Self.errorMessage(handle))
            }
        }
    }

    /// After a lease: whether the connection can go back to the pool, rolling back a transaction left open.
    func prepareForReuse() async -> Bool {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            queue.async {
                guard let handle = self.handle, PQstatus(handle) == CONNECTION_OK else {
                    return continuation.resume(returning: false)
                }
                switch PQtransactionStatus(handle) {
                case PQTRANS_IDLE:
                    continuation.resume(returning: true)
                case PQTRANS_INTRANS, PQTRANS_INERROR:
                    let rolledBack = (try? Self.read(PQexec(handle, "ROLLBACK"), on: handle, redacting: [])) != nil
                    continuation.resume(returning: rolledBack && PQtransactionStatus(handle) == PQTRANS_IDLE)
                default:
                    continuation.resume(returning: false)
                }
            }
        }
        return result
    }

    // MARK: libpq

    private func onQueue<T: Sendable>(
        _ work: @escaping @Sendable (OpaquePointer) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, PostgresError>, Never>) in
            queue.async {
                guard let handle = self.handle else {
                    return continuation.resume(
                        returning: .failure(PostgresError(code: .connectionLost, message: "the connection is closed")))
                }
                do throws(PostgresError) {
                    continuation.resume(returning: .success(try work(handle)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private static func run(_ query: PostgresQuery, on handle: OpaquePointer) throws(PostgresError) -> PostgresRows {
        if let problem = query.problem { throw problem }
        var texts: [String?] = []
        for bind in query.binds {
            let text = try bind.text.get()
            if text?.contains("\0") == true {
                throw PostgresError(code: .invalidQuery, message: "a bound value contains a NUL byte")
            }
            texts.append(text)
        }
        guard !query.sql.contains("\0") else {
            throw PostgresError(code: .invalidQuery, message: "the SQL contains a NUL byte")
        }
        let values = texts.map { $0.flatMap { strdup($0) } }
        defer { values.forEach { free($0) } }
        let result = PQexecParams(
            handle, query.sql, Int32(values.count), query.binds.map(\.type.oid),
            values.map { UnsafePointer($0) }, nil, nil, 0)
        return try read(result, on: handle, redacting: texts.compactMap { $0 })
    }

    /// Turns a PGresult into rows or an error, and frees it.
    private static func read(_ result: OpaquePointer?, on handle: OpaquePointer, redacting values: [String]) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw PostgresError(
                code: PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost, message: errorMessage(handle))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return rows(of: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            func field(_ code: Int32) -> String? {
                PQresultErrorField(result, code).map { String(cString: $0) }
            }
            let message = field(PG_DIAG_MESSAGE_PRIMARY) ?? String(cString: PQresultErrorMessage(result))
            throw PostgresError(
                code: PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost,
                message: redact(message.trimmingCharacters(in: .whitespacesAndNewlines), values),
                sqlState: field(PG_DIAG_SQLSTATE),
                constraintName: field(PG_DIAG_CONSTRAINT_NAME))
        default:
            // COPY is not supported; the connection is left mid-protocol and the pool will discard it.
            throw PostgresError(code: .server, message: "unsupported result status \(PQresultStatus(result).rawValue)")
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let fieldCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<fieldCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<fieldCount).map { PostgresDataType(oid: PQftype(result, $0)) }
        var values: [String?] = []
        values.reserveCapacity(Int(rowCount * fieldCount))
        for row in 0..<rowCount {
            for column in 0..<fieldCount {
                values.append(
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
        }
        return PostgresRows(
            table: ResultTable(columns: columns, types: types, rowCount: Int(rowCount), values: values),
            affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0,
            commandTag: String(cString: PQcmdStatus(result)))
    }

    private static func isReadable(_ socket: Int32) -> Bool {
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        return message.isEmpty ? "connection failed" : message
    }

    /// The server quotes a rejected input value in its primary message (`invalid input syntax for type
    /// integer: "…"`); take out every bound value it quotes, and long ones anywhere.
    static func redact(_ message: String, _ values: [String]) -> String {
        var message = message
        for value in values.sorted(by: { $0.count > $1.count }) where !value.isEmpty {
            message = message.replacing("\"\(value)\"", with: "\"…\"")
            if value.count >= 6 { message = message.replacing(value, with: "…") }
        }
        return message
    }
}

/// Sends libpq's notices (e.g. "relation already exists, skipping") to the log instead of stderr.
private final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private let noticeProcessor: PQnoticeProcessor = { context, message in
    guard let context, let message else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    // Notices can quote data (RAISE NOTICE), so they stay at debug level.
    sink.logger.debug(
        "PostgreSQL notice",
        metadata: ["postgres.notice": "\(String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines))"])
}

// libpq's PG_DIAG_* field codes are C character macros, which Swift cannot import.
private let PG_DIAG_SQLSTATE = Int32(UInt8(ascii: "C"))
private let PG_DIAG_MESSAGE_PRIMARY = Int32(UInt8(ascii: "M"))
private let PG_DIAG_CONSTRAINT_NAME = Int32(UInt8(ascii: "n"))

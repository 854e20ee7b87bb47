/// An error from the PostgreSQL adapter.
///
/// Its description prints only the code, the SQLSTATE and the server's primary message: never the SQL text,
/// the bound values or the password, so it is safe to log.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; extensible, compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connection could not be opened (server down, wrong password, timeout).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke while in use; the statement may or may not have run.
        public static let connectionLost = Code("connectionLost")
        /// The server rejected the statement; see `sqlState`.
        public static let server = Code("server")
        /// A result column could not be read as the requested Swift type.
        public static let decoding = Code("decoding")
        /// A value could not be turned into a bind parameter.
        public static let encoding = Code("encoding")
        /// The query itself is malformed on our side (bad identifier, NUL byte in a value).
        public static let invalidQuery = Code("invalidQuery")
        /// The transaction had already failed, so COMMIT rolled it back.
        public static let transactionRolledBack = Code("transactionRolledBack")
        /// The pool is closed.
        public static let pool = Code("pool")
        /// A migration is malformed (duplicate version) or failed to apply.
        public static let migration = Code("migration")
    }

    public var code: Code
    /// The five-character SQLSTATE reported by the server, e.g. "23505".
    public var sqlState: String?
    /// The server's primary message (values it quotes from our binds are redacted), or ours.
    public var message: String
    /// The constraint the server names, for integrity violations.
    public var constraintName: String?

    public init(code: Code, message: String, sqlState: String? = nil, constraintName: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.constraintName = constraintName
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isSerializationFailure: Bool { sqlState == "40001" }
    public var isDeadlock: Bool { sqlState == "40P01" }

    /// Whether running the same work again (a new transaction, a new connection) may succeed.
    public var isRetriable: Bool {
        if code == .connectionLost || code == .connectionFailed { return true }
        guard let sqlState else { return false }
        return sqlState == "40001" || sqlState == "40P01"
            || sqlState.hasPrefix("08")  // connection exception
            || ["57P01", "57P02", "57P03", "53300"].contains(sqlState)  // shutdown, starting up, too many clients
    }

    public var description: String {
        var text = "PostgresError(\(code)"
        if let sqlState { text += ", sqlState: \(sqlState)" }
        return text + "): \(message)"
    }
}

/// A SQL statement and its bind parameters.
///
/// Built from a string literal, every interpolated value becomes a `$n` parameter sent apart from the SQL text,
/// so a value can never change the statement:
///
///     let rows = try await pool.query("select * from agreement where id = \(id) and state = \(state)")
///
/// Table names go through `\(identifier:)`; `\(unescaped:)` pastes raw SQL and is only for fixed fragments
/// written in the code, never for anything that came from outside.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    public var binds: [PostgresBind]
    /// Set when an interpolation was invalid; running the query then throws this instead.
    var problem: PostgresError?

    /// A statement whose text is used as is, with `$n` placeholders for `binds`.
    /// The migration runner uses it for SQL read from migration files.
    public init(unsafeSQL: String, binds: [PostgresBind] = []) {
        self.sql = unsafeSQL
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: Interpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
        self.problem = stringInterpolation.problem
    }

    /// The SQL and the number of binds; the values are never printed.
    public var description: String { "\(sql) [\(binds.count) bind(s)]" }

    public struct Interpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresBind] = []
        var problem: PostgresError?

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Adds the value as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(PostgresBind(value))
            sql += "$\(binds.count)"
        }

        /// Adds the value as the next `$n` parameter; nil is SQL NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(PostgresBind(value))
            sql += "$\(binds.count)"
        }

        /// Adds a double-quoted identifier; "schema.table" is quoted part by part. Quoting keeps the case:
        /// `\(identifier: "Users")` names "Users", not users. An empty part, a NUL or a part over 63 bytes makes
        /// the query fail with `.invalidQuery` when run.
        public mutating func appendInterpolation(identifier: String) {
            let parts = identifier.split(separator: ".", omittingEmptySubsequences: false)
            for part in parts where part.isEmpty || part.utf8.count > 63 || part.contains("\0") {
                problem = PostgresError(code: .invalidQuery, message: "invalid SQL identifier \"\(identifier)\"")
            }
            sql += parts.map(Self.quoted).joined(separator: ".")
        }

        private static func quoted(_ part: Substring) -> String {
            var quoted = "\""
            for character in part {
                quoted += character == "\"" ? "\"\"" : String(character)
            }
            return quoted + "\""
        }

        /// Pastes `unescaped` into the SQL as is. Dangerous: only for fixed fragments written in the code.
        public mutating func appendInterpolation(unescaped: String) {
            sql += unescaped
        }
    }
}

/// One bind parameter: a value's text form and its type. Its description never shows the value.
public struct PostgresBind: Sendable, CustomStringConvertible {
    public let type: PostgresDataType
    let text: Result<String?, PostgresError>

    public init(_ value: some PostgresEncodable) {
        self.type = Swift.type(of: value).postgresType
        do throws(PostgresError) {
            self.text = .success(try value.postgresText())
        } catch {
            self.text = .failure(error)
        }
    }

    public var description: String { "PostgresBind(\(type))" }
}

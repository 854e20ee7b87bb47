import Foundation

/// Where and how to connect; a value you build and mutate before handing it to a pool.
public struct PostgresConfig: Sendable, CustomStringConvertible {
    public var host = "127.0.0.1"
    public var port = 5432
    public var user = "wangqian"
    public var password = "wangqian"
    public var database: String
    /// Most connections the pool opens.
    public var poolSize = 8
    /// libpq's connect_timeout (it treats values below 2 as 2).
    public var connectTimeoutSeconds = 5
    /// Shown in pg_stat_activity.
    public var applicationName = "wangqian"

    public init(database: String) {
        self.database = database
    }

    /// Reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and WANGQIAN_PG_POOL_SIZE.
    ///
    /// A variable named with `prefix` (e.g. `STUDENT_PGDATABASE` for prefix "STUDENT_") overrides the plain one,
    /// which overrides the defaults. Unparsable numbers are ignored.
    public static func fromEnvironment(
        database defaultDatabase: String, prefix: String = "",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PostgresConfig {
        func value(_ name: String) -> String? {
            let found = environment[prefix + name] ?? environment[name]
            return found?.isEmpty == false ? found : nil
        }
        var config = PostgresConfig(database: value("PGDATABASE") ?? defaultDatabase)
        if let host = value("PGHOST") { config.host = host }
        if let port = value("PGPORT").flatMap({ Int($0) }) { config.port = port }
        if let user = value("PGUSER") { config.user = user }
        if let password = value("PGPASSWORD") { config.password = password }
        if let size = value("WANGQIAN_PG_POOL_SIZE").flatMap({ Int($0) }), size > 0 { config.poolSize = size }
        return config
    }

    /// Never prints the password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database) (pool \(poolSize), app \(applicationName))"
    }

    /// libpq connection keywords and values, for PQconnectdbParams.
    var connectionParameters: [(String, String)] {
        [
            ("host", host), ("port", String(port)), ("user", user), ("password", password),
            ("dbname", database), ("connect_timeout", String(connectTimeoutSeconds)),
            ("application_name", applicationName), ("client_encoding", "UTF8"),
            // The decoders read ISO timestamps and hex bytea; pin the session so server defaults can't change that.
            ("options", "-c TimeZone=UTC -c DateStyle=ISO -c bytea_output=hex -c IntervalStyle=postgres"),
        ]
    }
}

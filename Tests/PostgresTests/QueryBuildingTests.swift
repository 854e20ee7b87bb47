import Foundation
import Testing

@testable import WangqianPostgres

/// What the adapter does on its own, without a server: building queries, the text formats, errors, config.
@Suite struct QueryBuildingTests {
    @Test func interpolatedValuesBecomeNumberedBinds() throws {
        let id = 42
        let name: String? = "张三"
        let missing: Int? = nil
        let query: PostgresQuery = "select * from t where id = \(id) and name = \(name) or other = \(missing)"
        #expect(query.sql == "select * from t where id = $1 and name = $2 or other = $3")
        #expect(query.binds.map(\.type) == [.int8, .unknown, .int8])
        #expect(try query.binds.map { try $0.text.get() } == ["42", "张三", nil])
    }

    @Test func identifiersAreQuotedAndUnescapedIsRaw() {
        let query: PostgresQuery =
            "select * from \(identifier: "my_schema.Odd\"name") order by \(unescaped: "created_at desc")"
        #expect(query.sql == #"select * from "my_schema"."Odd""name" order by created_at desc"#)
        #expect(query.problem == nil)
        let bad: PostgresQuery = "select * from \(identifier: "a..b")"
        #expect(bad.problem?.code == .invalidQuery)
        let long: PostgresQuery = "select * from \(identifier: String(repeating: "x", count: 64))"
        #expect(long.problem?.code == .invalidQuery)
    }

    @Test func descriptionsNeverShowValues() {
        let secret = "hunter2-secret"
        let query: PostgresQuery = "select \(secret)"
        #expect(!query.description.contains(secret))
        #expect(!"\(query.binds)".contains(secret))
        var config = PostgresConfig(database: "db")
        config.password = secret
        #expect(!config.description.contains(secret))
    }

    @Test func timestampsAreWrittenInUTCToTheMicrosecond() {
        let date = Date(timeIntervalSince1970: 1_795_921_704.123456)
        #expect(PostgresTimestamp.format(date) == "2026-11-29 03:08:24.123456+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59.500000+00")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29 00:00:00.000000+00")
    }

    @Test func timestampsAreReadWithAnyOffset() throws {
        let expected = Date(timeIntervalSince1970: 1_795_921_704.123456)
        #expect(PostgresTimestamp.parse("2026-11-29 03:08:24.123456+00") == expected)
        #expect(PostgresTimestamp.parse("2026-11-29 11:08:24.123456+08") == expected)
        #expect(PostgresTimestamp.parse("2026-11-29 08:38:24.123456+05:30") == expected)
        #expect(PostgresTimestamp.parse("2026-11-28 23:08:24.123456-04") == expected)
        #expect(PostgresTimestamp.parse("2026-11-29 03:08:24.5+00") == Date(timeIntervalSince1970: 1_795_921_704.5))
        #expect(PostgresTimestamp.parse("2026-11-29 03:08:24+00") == Date(timeIntervalSince1970: 1_795_921_704))
        #expect(PostgresTimestamp.parse("2026-11-29") == Date(timeIntervalSince1970: 1_795_910_400))
        #expect(PostgresTimestamp.parse("1969-12-31 23:59:59.5+00") == Date(timeIntervalSince1970: -0.5))
        #expect(PostgresTimestamp.parse("infinity") == .distantFuture)
        #expect(PostgresTimestamp.parse("0044-03-15 12:00:00+00 BC") == nil)
        #expect(PostgresTimestamp.parse("2026-13-01 00:00:00+00") == nil)
        #expect(PostgresTimestamp.parse("yesterday") == nil)
    }

    @Test func arrayLiteralsRoundTrip() {
        let elements = ["plain", "with space", "comma,", "quote\"", "back\\slash", "{brace}", "NULL", "", "中文"]
        let literal = PostgresArrayLiteral.format(elements)
        #expect(PostgresArrayLiteral.parse(literal) == elements.map { Optional($0) })
        #expect(PostgresArrayLiteral.parse("{}") == [])
        #expect(PostgresArrayLiteral.parse(#"{a,"b c",NULL,"NULL",x\"y}"#) == ["a", "b c", nil, "NULL", "x\"y"])
        #expect(PostgresArrayLiteral.parse("{{a},{b}}") == nil)
        #expect(PostgresArrayLiteral.parse("a,b") == nil)
    }

    @Test func byteaHex() {
        let bytes = [UInt8](0...255)
        let text = PostgresHex.encode(bytes)
        #expect(text.hasPrefix("\\x000102"))
        #expect(PostgresHex.decode(text) == bytes)
        #expect(PostgresHex.decode("\\xABcd") == [0xab, 0xcd])
        #expect(PostgresHex.decode("\\xabc") == nil)
        #expect(PostgresHex.decode("abcd") == nil)
    }

    @Test func valuesTheServerQuotesAreRedacted() {
        let message = PostgresConnection.redact(#"invalid input syntax for type integer: "12ab""#, ["12ab", "x"])
        #expect(message == #"invalid input syntax for type integer: "…""#)
        let untouched = PostgresConnection.redact(#"relation "t" does not exist"#, ["1"])
        #expect(untouched == #"relation "t" does not exist"#)
    }

    @Test func errorClassification() {
        let unique = PostgresError(code: .server, message: "duplicate key", sqlState: "23505")
        #expect(unique.isUniqueViolation && !unique.isRetriable)
        #expect(unique.description == "PostgresError(server, sqlState: 23505): duplicate key")
        #expect(PostgresError(code: .server, message: "", sqlState: "40001").isSerializationFailure)
        #expect(PostgresError(code: .server, message: "", sqlState: "40001").isRetriable)
        #expect(PostgresError(code: .connectionLost, message: "").isRetriable)
        #expect(!PostgresError(code: .decoding, message: "").isRetriable)
    }

    @Test func configFromEnvironmentPrefersThePrefixedVariable() {
        let environment = [
            "PGHOST": "db.internal", "PGPORT": "6543", "PGPASSWORD": "pw",
            "PGDATABASE": "shared", "STUDENT_PGDATABASE": "students", "WANGQIAN_PG_POOL_SIZE": "3",
        ]
        let student = PostgresConfig.fromEnvironment(database: "fallback", prefix: "STUDENT_", environment: environment)
        #expect(student.database == "students")
        #expect(student.host == "db.internal" && student.port == 6543 && student.password == "pw")
        #expect(student.user == "wangqian" && student.poolSize == 3)
        let plain = PostgresConfig.fromEnvironment(database: "fallback", environment: [:])
        #expect(plain.database == "fallback" && plain.host == "127.0.0.1" && plain.port == 5432 && plain.poolSize == 8)
    }

    @Test func migrationLockKeyIsStablePerTable() {
        #expect(PostgresMigrator.lockKey("schema_migrations") == PostgresMigrator.lockKey("schema_migrations"))
        #expect(PostgresMigrator.lockKey("schema_migrations") != PostgresMigrator.lockKey("other"))
    }
}

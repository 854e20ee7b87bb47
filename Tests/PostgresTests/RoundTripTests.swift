import Foundation
import Testing

@testable import WangqianPostgres

/// Every supported type, written through a bind and read back from the real server.
@Suite struct RoundTripTests {
    struct Payload: Codable, Equatable, Sendable {
        var title: String
        var count: Int
        var tags: [String]
        var nested: [String: Double]
    }

    @Test func typedValuesRoundTripThroughATable() async throws {
        try await TestDatabase.withScratch { db in
            let values = db.table("values")
            try await db.pool.execute("""
                create table \(identifier: values) (
                    id int primary key, name text, i bigint, i64 bigint, i32 int, flag bool, ratio float8,
                    at timestamptz, uid uuid, bytes bytea, doc jsonb, tags text[], missing int, note text)
                """)
            let name = "毕业生就业协议书 — 王小明 'quoted' \"double\""
            let at = Date(timeIntervalSince1970: 1_795_921_704.123456)
            let uid = UUID()
            let bytes = Data((0...255).map { UInt8($0) } + [0, 0])
            let doc = PostgresJSON(Payload(title: "签约", count: 3, tags: ["a", "b"], nested: ["x": 1.5]))
            let tags = ["甲", "with, comma", "quote\"", "back\\slash", "{brace}", "NULL", ""]
            let note: String? = nil
            try await db.pool.execute("""
                insert into \(identifier: values)
                    (id, name, i, i64, i32, flag, ratio, at, uid, bytes, doc, tags, missing, note)
                values (\(1), \(name), \(Int.min), \(Int64.max), \(Int32(-7)), \(true), \(0.1 + 0.2), \(at), \(uid),
                    \(bytes), \(doc), \(tags), \(nil as Int?), \(note))
                """)

            let rows = try await db.pool.query("select * from \(identifier: values) where id = \(1)")
            #expect(rows.count == 1)
            #expect(rows.columns.first == "id")
            let row = try #require(rows.first)
            #expect(try row.decode("name", as: String.self) == name)
            #expect(try row.decode("i", as: Int.self) == Int.min)
            #expect(try row.decode("i64", as: Int64.self) == Int64.max)
            #expect(try row.decode("i32", as: Int32.self) == -7)
            #expect(try row.decode("i32", as: Int.self) == -7)
            #expect(try row.decode("flag", as: Bool.self) == true)
            #expect(try row.decode("ratio", as: Double.self) == 0.1 + 0.2)
            #expect(try row.decode("at", as: Date.self) == at)
            #expect(try row.decode("uid", as: UUID.self) == uid)
            #expect(try row.decode("bytes", as: Data.self) == bytes)
            #expect(try row.decode("bytes", as: [UInt8].self) == [UInt8](bytes))
            #expect(try row.decode("doc", as: PostgresJSON<Payload>.self) == doc)
            let rawJSON = try row.decode("doc", as: Data.self)
            #expect(try JSONDecoder().decode(Payload.self, from: rawJSON) == doc.value)
            #expect(try row.decode("tags", as: [String].self) == tags)
            #expect(row.isNull("missing") && row.isNull("note") && !row.isNull("name"))
            #expect(try row.decode("missing", as: Int?.self) == nil)
            #expect(try row.decode("note", as: String?.self) == nil)
            #expect(try row.decode("name", as: String?.self) == name)
            #expect(try row.decode(1, as: String.self) == name)

            let nullError = #expect(throws: PostgresError.self) { try row.decode("missing", as: Int.self) }
            #expect(nullError?.code == .decoding)
            #expect(nullError?.message.contains("missing") == true)
            let typeError = #expect(throws: PostgresError.self) { try row.decode("name", as: Int.self) }
            #expect(typeError?.code == .decoding)
            #expect(typeError?.description.contains(name) == false)
            #expect(throws: PostgresError.self) { try row.decode("no_such_column", as: Int.self) }

            // The server reads the same instant we meant.
            let epoch = try await db.pool.query("select extract(epoch from at)::text as e from \(identifier: values)")
            #expect(try epoch[0].decode("e", as: String.self) == "1795921704.123456")
        }
    }

    @Test func edgeValuesRoundTripThroughSelect() async throws {
        try await TestDatabase.withScratch(poolSize: 1) { db in
            func echo<T: PostgresEncodable & PostgresDecodable>(_ value: T) async throws -> T {
                try await db.pool.query("select \(value) as v")[0].decode("v", as: T.self)
            }
            #expect(try await echo(Double.infinity) == .infinity)
            #expect(try await echo(-Double.infinity) == -.infinity)
            #expect(try await echo(Double.nan).isNaN)
            #expect(try await echo(1e-300) == 1e-300)
            #expect(try await echo(false) == false)
            #expect(try await echo([String]()) == [])
            #expect(try await echo([1, -2, Int.max]) == [1, -2, Int.max])
            let ids = [UUID(), UUID()]
            #expect(try await echo(ids) == ids)
            #expect(try await echo(Data()) == Data())
            #expect(try await echo("") == "")
            #expect(try await echo("🎓 签约") == "🎓 签约")
            let early = Date(timeIntervalSince1970: -1_234_567_890.654321)
            #expect(try await echo(early) == early)
            let now = Date()
            let micros = (now.timeIntervalSince1970 * 1_000_000).rounded()
            #expect(try await echo(now) == Date(timeIntervalSince1970: micros / 1_000_000))
            let optional: Int? = 5
            #expect(try await echo(optional) == 5)
            #expect(try await echo(Int?.none) == nil)

            // A timestamptz computed by the server, in another zone's notation, reads as the same instant.
            let rows = try await db.pool.query("select '2026-11-29 11:08:24.123456+08'::timestamptz as t")
            #expect(try rows[0].decode("t", as: Date.self) == Date(timeIntervalSince1970: 1_795_921_704.123456))
            // Strings fill typed columns: the server infers their type.
            let typed = try await db.pool.query("select \(ids[0].uuidString)::uuid = \(ids[0]) as same")
            #expect(try typed[0].decode("same", as: Bool.self))
        }
    }

    @Test func affectedRowsAndEmptyResults() async throws {
        try await TestDatabase.withScratch { db in
            let t = db.table("counts")
            try await db.pool.execute("create table \(identifier: t) (n int)")
            #expect(try await db.pool.execute("insert into \(identifier: t) select generate_series(1, \(10))") == 10)
            #expect(try await db.pool.execute("update \(identifier: t) set n = n + 1 where n > \(7)") == 3)
            #expect(try await db.pool.execute("delete from \(identifier: t) where n < \(0)") == 0)
            let rows = try await db.pool.query("select n from \(identifier: t) where n > \(100)")
            #expect(rows.isEmpty && rows.columns == ["n"] && rows.affectedRows == 0)
            let all = try await db.pool.query("select n from \(identifier: t) order by n")
            #expect(try all.map { try $0.decode("n", as: Int.self) } == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11])
        }
    }

    @Test func scriptsRunSeveralStatements() async throws {
        try await TestDatabase.withScratch { db in
            try await db.pool.withConnection { connection in
                try await connection.executeScript("""
                    create table \(db.schema).a (id int);
                    insert into \(db.schema).a values (1), (2);
                    create table \(db.schema).b as select * from \(db.schema).a;
                    """)
            }
            #expect(try await db.count("b") == 2)
            // Binds are one statement at a time: a second statement in a bound query is refused.
            await #expect(throws: PostgresError.self) {
                try await db.pool.execute("select \(1); drop table \(identifier: db.table("a"))")
            }
            #expect(try await db.count("a") == 2)
        }
    }
}

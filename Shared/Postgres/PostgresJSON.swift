import Foundation

/// A Codable value stored as jsonb, with Foundation's default JSONEncoder/JSONDecoder settings.
///
///     try await pool.execute("insert into outbox (payload) values (\(PostgresJSON(event)))")
///     let event = try row.decode("payload", as: PostgresJSON<AgreementEvent>.self).value
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, PostgresDecodable {
    public var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public static var postgresType: PostgresDataType { .jsonb }

    public func postgresText() throws(PostgresError) -> String? {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw PostgresError(code: .encoding, message: "cannot encode \(Value.self) as JSON")
        }
    }

    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        do {
            value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch {
            throw PostgresError(code: .decoding, message: "cannot decode a \(type) value as \(Value.self)")
        }
    }
}

extension PostgresJSON: Equatable where Value: Equatable {}

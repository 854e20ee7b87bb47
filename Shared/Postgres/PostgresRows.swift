/// The rows of a result, read into memory as text, and the number of rows the statement affected.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let table: ResultTable
    /// Rows inserted, updated, deleted or selected, as the server's command tag reports it (0 for other commands).
    public var affectedRows: Int
    /// The command tag, e.g. "INSERT 0 1", "COMMIT", "ROLLBACK".
    let commandTag: String

    public var columns: [String] { table.columns }
    public var startIndex: Int { 0 }
    public var endIndex: Int { table.rowCount }
    public subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row \(position) out of range")
        return PostgresRow(table: table, row: position)
    }
}

/// One result row. Read columns by name or position as any `PostgresDecodable` type:
///
///     let id = try row.decode("id", as: UUID.self)
///     let note: String? = try row.decode("note")   // NULL reads as nil only into an Optional
public struct PostgresRow: Sendable {
    let table: ResultTable
    let row: Int

    public var columns: [String] { table.columns }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let index = table.columnIndex[column] else {
            throw PostgresError(code: .decoding, message: "no column named \"\(column)\"")
        }
        return try decode(index, as: type)
    }

    public func decode<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard table.columns.indices.contains(index) else {
            throw PostgresError(code: .decoding, message: "no column at position \(index)")
        }
        let name = table.columns[index]
        guard let text = table.values[row * table.columns.count + index] else {
            guard let null = T.postgresNull else {
                throw PostgresError(code: .decoding, message: "column \"\(name)\" is NULL, \(T.self) expected")
            }
            return null
        }
        do {
            return try T(postgresText: text, type: table.types[index])
        } catch {
            throw PostgresError(code: error.code, message: "column \"\(name)\": \(error.message)")
        }
    }

    /// Whether the column is SQL NULL in this row (also true when there is no such column).
    public func isNull(_ column: String) -> Bool {
        guard let index = table.columnIndex[column] else { return true }
        return table.values[row * table.columns.count + index] == nil
    }
}

/// A whole result in text form, shared by its rows.
final class ResultTable: Sendable {
    let columns: [String]
    let columnIndex: [String: Int]
    let types: [PostgresDataType]
    let rowCount: Int
    /// Row-major; nil is SQL NULL.
    let values: [String?]

    init(columns: [String], types: [PostgresDataType], rowCount: Int, values: [String?]) {
        self.columns = columns
        self.types = types
        self.rowCount = rowCount
        self.values = values
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
    }
}

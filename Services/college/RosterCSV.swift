import AgreementDomain
import Foundation

/// Parses the roster CSV the employment office uploads, row by row, with a reason for every rejected row.
///
/// Columns (header row required, any order): studentID, name, gender, collegeCode, collegeName, major, degree,
/// graduationYear, reviewStatus.
enum RosterCSV {
    static let columns = ["studentID", "name", "gender", "collegeCode", "collegeName", "major", "degree", "graduationYear", "reviewStatus"]

    struct RowResult: Codable, Sendable {
        var row: Int
        var studentID: String?
        enum Outcome: String, Codable, CaseIterable, Sendable { case imported, rejected }
        var outcome: Outcome
        var error: String?
    }

    struct Parsed {
        var students: [StudentSnapshot]
        var rows: [RowResult]
    }

    enum Failure: Error { case missingColumns([String]), empty }

    static func parse(_ text: String) throws(Failure) -> Parsed {
        let (students, rows) = try read(text, columns: columns, id: "studentID", repeated: "学号在文件中重复") { id, field throws(Rejected) in
            guard !id.isEmpty else { throw Rejected("缺少学号") }
            guard let status = SourceReviewStatus(rawValue: field("reviewStatus")) else {
                throw Rejected("生源信息审核状态不正确：\(field("reviewStatus").prefix(20))")
            }
            let student = StudentSnapshot(
                studentID: id, name: field("name"), gender: field("gender"), collegeCode: field("collegeCode"),
                collegeName: field("collegeName"), major: field("major"), degree: field("degree"),
                graduationYear: Int(field("graduationYear")) ?? 0, reviewStatus: status)
            // The one home of the field rules: the domain's validation.
            if let problem = AgreementValidation.problems(in: student).first { throw Rejected(problem.message) }
            return student
        }
        return Parsed(students: students, rows: rows)
    }

    /// Why `read`'s `make` refused a row.
    struct Rejected: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Reads an uploaded CSV (the roster, the staff directory) row by row: a header row naming at least `columns`
    /// (any order, a byte-order mark ignored), blank rows skipped, each other row made into a record by `make`
    /// (given the row's `id` column and a field reader, both trimmed) or rejected with its reason. An ID already
    /// imported from an earlier row is rejected with `repeated`; the last row of an ID never silently wins.
    static func read<Record>(
        _ text: String, columns: [String], id idColumn: String, repeated: String,
        _ make: (_ id: String, _ field: (String) -> String) throws(Rejected) -> Record
    ) throws(Failure) -> (records: [Record], rows: [RowResult]) {
        var lines = records(text)
        guard !lines.isEmpty else { throw .empty }
        let header = lines.removeFirst().map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "") }
        let missing = columns.filter { !header.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing) }
        let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var made: [Record] = []
        var rows: [RowResult] = []
        var seen = Set<String>()
        for (i, fields) in lines.enumerated() {
            let rowNumber = i + 2
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func field(_ name: String) -> String {
                guard let j = index[name], j < fields.count else { return "" }
                return fields[j].trimmingCharacters(in: .whitespaces)
            }
            let id = field(idColumn)
            do throws(Rejected) {
                if !id.isEmpty, seen.contains(id) { throw Rejected(repeated) }
                made.append(try make(id, field))
                seen.insert(id)
                rows.append(RowResult(row: rowNumber, studentID: id, outcome: .imported, error: nil))
            } catch {
                let shownID = id.isEmpty || AgreementValidation.containsForbiddenControl(id) ? nil : String(id.prefix(AgreementValidation.maxStudentIDLength))
                rows.append(RowResult(row: rowNumber, studentID: shownID, outcome: .rejected, error: error.reason))
            }
        }
        return (made, rows)
    }

    /// Splits CSV text into records of fields (RFC 4180 quoting, CRLF or LF).
    static func records(_ text: String) -> [[String]] {
        var result: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.append(c) }
            } else {
                switch c {
                case "\"": quoted = true
                case ",": record.append(field); field = ""
                case "\n", "\r\n", "\r":
                    record.append(field); field = ""
                    result.append(record); record = []
                default: field.append(c)
                }
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); result.append(record) }
        return result
    }
}

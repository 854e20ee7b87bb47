/// The agreement number (协议书号): year (4 digits) + school code (5 digits) + serial (6 digits), e.g.
/// 2026 10001 000123 → "202610001000123". Assigned once, at the first college approval.
///
/// JSON form: the 15-digit string.
public struct AgreementNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    /// The school's national code (学校代码), 5 digits.
    public var schoolCode: String
    public var serial: Int

    public init(year: Int, schoolCode: String, serial: Int) {
        self.year = year
        self.schoolCode = schoolCode
        self.serial = serial
    }

    /// Parses the 15-digit form; nil unless it is a valid number (see ``isValid``).
    public init?(parsing text: String) {
        let digits = Array(text.utf8)
        guard digits.count == 15, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let s = String(decoding: digits, as: UTF8.self)
        let number = AgreementNumber(
            year: Int(s.prefix(4))!, schoolCode: String(s.dropFirst(4).prefix(5)), serial: Int(s.suffix(6))!)
        guard number.isValid else { return nil }
        self = number
    }

    /// The 15-digit form, zero-padded.
    public var formatted: String {
        let serialText = String(serial)
        return "\(year)\(schoolCode)\(String(repeating: "0", count: max(0, 6 - serialText.count)))\(serialText)"
    }

    public var description: String { formatted }

    /// Year 2000–2099, a 5-digit school code, serial 1–999999.
    public var isValid: Bool {
        (2000...2099).contains(year)
            && schoolCode.utf8.count == 5 && schoolCode.utf8.allSatisfy { (0x30...0x39).contains($0) }
            && (1...999_999).contains(serial)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let number = AgreementNumber(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an agreement number: \(text)")
        }
        self = number
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(formatted)
    }
}

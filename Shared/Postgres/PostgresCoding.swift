import Foundation

/// A Swift value that can be sent as a bind parameter, in PostgreSQL's text input format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's type; `.unknown` lets the server infer it from the context.
    static var postgresType: PostgresDataType { get }
    /// The value as PostgreSQL's input function for `postgresType` reads it; nil is SQL NULL.
    func postgresText() throws(PostgresError) -> String?
}

/// A Swift value that can be read from a result column, in PostgreSQL's text output format.
public protocol PostgresDecodable {
    /// Reads `text`, the server's text output for a value of `type`. Throw `PostgresError(code: .decoding, …)`.
    init(postgresText text: String, type: PostgresDataType) throws(PostgresError)
    /// What SQL NULL reads as; nil (the default) means NULL is an error.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}

extension PostgresError {
    static func cannotDecode(_ type: PostgresDataType, as swiftType: Any.Type) -> PostgresError {
        PostgresError(code: .decoding, message: "cannot read a \(type) value as \(swiftType)")
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public func postgresText() throws(PostgresError) -> String? {
        guard let self else { return nil }
        return try self.postgresText()
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static var postgresNull: Self? { .some(.none) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        self = try Wrapped(postgresText: text, type: type)
    }
}

extension String: PostgresEncodable, PostgresDecodable {
    /// Unknown, like a quoted literal: a string can fill a text, varchar, enum, uuid or date column alike.
    public static var postgresType: PostgresDataType { .unknown }
    public func postgresText() throws(PostgresError) -> String? { self }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) { self = text }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bool }
    public func postgresText() throws(PostgresError) -> String? { self ? "t" : "f" }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw .cannotDecode(type, as: Bool.self)
        }
    }
}

/// Integers read any integer column whose value fits (an overflow is a decoding error).
extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        self = try parseInteger(text, type)
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        self = try parseInteger(text, type)
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int4 }
    public func postgresText() throws(PostgresError) -> String? { String(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        self = try parseInteger(text, type)
    }
}

private func parseInteger<I: FixedWidthInteger>(_ text: String, _ type: PostgresDataType) throws(PostgresError) -> I {
    guard let value = I(text) else { throw .cannotDecode(type, as: I.self) }
    return value
}

extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .float8 }
    public func postgresText() throws(PostgresError) -> String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)  // shortest text that reads back to the same Double
    }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw .cannotDecode(type, as: Double.self) }
            self = value
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .uuid }
    public func postgresText() throws(PostgresError) -> String? { uuidString.lowercased() }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        guard let value = UUID(uuidString: text) else { throw .cannotDecode(type, as: UUID.self) }
        self = value
    }
}

/// timestamptz, to the microsecond (PostgreSQL's precision), written in UTC.
extension Date: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .timestamptz }
    public func postgresText() throws(PostgresError) -> String? { PostgresTimestamp.format(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        guard let value = PostgresTimestamp.parse(text) else { throw .cannotDecode(type, as: Date.self) }
        self = value
    }
}

/// bytea. Reading a column of another type (json, text) gives its UTF-8 bytes.
extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bytea }
    public func postgresText() throws(PostgresError) -> String? { PostgresHex.encode(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        if type != .bytea {
            self = Data(text.utf8)
        } else if let bytes = PostgresHex.decode(text) {
            self = Data(bytes)
        } else {
            throw .cannotDecode(type, as: Data.self)
        }
    }
}

/// An element of an array parameter or column: `[String]` is text[], `[Int]` int8[], `[UUID]` uuid[], and
/// `[UInt8]` is bytea (like `Data`). NULL elements are not representable; reading one is a decoding error.
public protocol PostgresArrayElement: Sendable {
    static var postgresArrayType: PostgresDataType { get }
    static func postgresArrayText(_ elements: [Self]) throws(PostgresError) -> String
    static func postgresArray(text: String, type: PostgresDataType) throws(PostgresError) -> [Self]
}

extension Array: PostgresEncodable, PostgresDecodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }
    public func postgresText() throws(PostgresError) -> String? { try Element.postgresArrayText(self) }
    public init(postgresText text: String, type: PostgresDataType) throws(PostgresError) {
        self = try Element.postgresArray(text: text, type: type)
    }
}

extension UInt8: PostgresArrayElement {
    public static var postgresArrayType: PostgresDataType { .bytea }
    public static func postgresArrayText(_ elements: [UInt8]) throws(PostgresError) -> String {
        PostgresHex.encode(elements)
    }
    public static func postgresArray(text: String, type: PostgresDataType) throws(PostgresError) -> [UInt8] {
        [UInt8](try Data(postgresText: text, type: type))
    }
}

/// Elements written and read through their own text form, inside an array literal.
protocol PostgresLiteralArrayElement: PostgresArrayElement, PostgresEncodable, PostgresDecodable {}

extension PostgresLiteralArrayElement {
    static func literalText(_ elements: [Self]) throws(PostgresError) -> String {
        var texts: [String] = []
        for element in elements {
            guard let text = try element.postgresText() else {
                throw PostgresError(code: .encoding, message: "NULL array elements are not supported")
            }
            texts.append(text)
        }
        return PostgresArrayLiteral.format(texts)
    }

    static func literalElements(text: String, type: PostgresDataType) throws(PostgresError) -> [Self] {
        guard let texts = PostgresArrayLiteral.parse(text) else { throw .cannotDecode(type, as: [Self].self) }
        var elements: [Self] = []
        for text in texts {
            guard let text else { throw .cannotDecode(type, as: [Self].self) }
            elements.append(try Self(postgresText: text, type: type))
        }
        return elements
    }
}

extension String: PostgresLiteralArrayElement {
    public static var postgresArrayType: PostgresDataType { .textArray }
    public static func postgresArrayText(_ elements: [String]) throws(PostgresError) -> String {
        try literalText(elements)
    }
    public static func postgresArray(text: String, type: PostgresDataType) throws(PostgresError) -> [String] {
        try literalElements(text: text, type: type)
    }
}

extension Int: PostgresLiteralArrayElement {
    public static var postgresArrayType: PostgresDataType { .int8Array }
    public static func postgresArrayText(_ elements: [Int]) throws(PostgresError) -> String {
        try literalText(elements)
    }
    public static func postgresArray(text: String, type: PostgresDataType) throws(PostgresError) -> [Int] {
        try literalElements(text: text, type: type)
    }
}

extension UUID: PostgresLiteralArrayElement {
    public static var postgresArrayType: PostgresDataType { .uuidArray }
    public static func postgresArrayText(_ elements: [UUID]) throws(PostgresError) -> String {
        try literalText(elements)
    }
    public static func postgresArray(text: String, type: PostgresDataType) throws(PostgresError) -> [UUID] {
        try literalElements(text: text, type: type)
    }
}

/// bytea's hex format: `\x` followed by two hex digits a byte.
enum PostgresHex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0
        else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2 - 1)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

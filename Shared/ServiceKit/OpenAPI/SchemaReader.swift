import AgreementContract
import Foundation

/// A type whose JSON is not what its `init(from:)` reads off a placeholder (a validated string, a hand-written
/// encoding): it states its schema and a value to stand in for it while the enclosing type is read.
public protocol SchemaDescribed {
    /// The JSON Schema of the type's encoding.
    static var jsonSchema: JSONValue { get }
    /// Any valid value, used while reading the enclosing type.
    static var schemaPlaceholder: Self { get }
}

/// The JSON Schema of a `Decodable` type, read off the type's own `init(from:)`: every key it decodes is a
/// property, required unless decoded with `decodeIfPresent` (how Swift decodes optionals), with the schema of the
/// type it is decoded as. Strings, numbers, booleans, dates (`date-time`), UUIDs, `CaseIterable` string enums and
/// arrays are known; a nested struct is read the same way and shown inline; a type whose JSON is hand-written says
/// so (``SchemaDescribed``). So the schema cannot drift from the code: it is the code's. A type named in
/// `components` is shown as a `$ref` to its component wherever it is nested; `nullable` shows an optional key as
/// "absent or null" (what `decodeIfPresent` accepts). The OpenAPI documents are built on it (``APIDocument``).
public struct SchemaReader: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Component names by type.
    public var components: [ObjectIdentifier: String]
    public var nullable: Bool

    public init(components: [ObjectIdentifier: String] = [:], nullable: Bool = false) {
        self.components = components
        self.nullable = nullable
    }

    /// The schema of `type`'s JSON, every nested type inline, optional keys simply not required.
    public static func schema<T: Decodable>(of type: T.Type) throws -> JSONValue {
        try SchemaReader().schema(of: type)
    }

    /// The schema of `type`'s own JSON (a reference only for the components nested in it).
    public func schema<T: Decodable>(of type: T.Type) throws -> JSONValue {
        try read(type, root: true).schema
    }

    func read<T: Decodable>(_ type: T.Type, root: Bool = false) throws -> (schema: JSONValue, value: T) {
        let (schema, value) = try Self.known(type) ?? probed(type)
        if !root, let name = components[ObjectIdentifier(type)] {
            return (["$ref": .string("#/components/schemas/\(name)")], value)
        }
        return (schema, value)
    }

    func probed<T: Decodable>(_ type: T.Type) throws -> (schema: JSONValue, value: T) {
        let probe = Probe(reader: self)
        let value = try T(from: probe)
        guard let schema = probe.shape?.schema else {
            throw Failure(description: "\(T.self) decodes nothing: give it a schema (SchemaDescribed)")
        }
        return (schema, value)
    }

    /// An optional key's schema: also `null`, when the reader says so.
    func optional(_ schema: JSONValue) -> JSONValue {
        guard nullable else { return schema }
        return Self.nullable(schema)
    }

    /// `schema` or `null`: a type list gains `null` (and an enum its `null` value); anything else is `anyOf`.
    public static func nullable(_ schema: JSONValue) -> JSONValue {
        guard schema["$ref"] == nil, case .string(let type)? = schema["type"] else {
            return ["anyOf": [schema, ["type": "null"]]]
        }
        var result = schema
        result["type"] = [.string(type), "null"]
        if case .array(let values)? = schema["enum"] { result["enum"] = .array(values + [.null]) }
        return result
    }

    /// Primitives, enums and types that describe themselves.
    static func known<T>(_ type: T.Type) -> (schema: JSONValue, value: T)? {
        func string(_ format: String? = nil) -> JSONValue {
            .object(["type": .string("string")].merging(format.map { ["format": .string($0)] } ?? [:]) { a, _ in a })
        }
        switch type {
        case is String.Type: return (string(), "" as! T)
        case is Bool.Type: return (.object(["type": .string("boolean")]), false as! T)
        case is Double.Type: return (.object(["type": .string("number")]), 0.0 as! T)
        case is Float.Type: return (.object(["type": .string("number")]), Float(0) as! T)
        default: break
        }
        if let integer = type as? any BinaryInteger.Type {
            return (.object(["type": .string("integer")]), zero(of: integer) as! T)
        }
        switch type {
        case is Date.Type: return (string("date-time"), Date(timeIntervalSince1970: 0) as! T)
        case is UUID.Type: return (string("uuid"), UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) as! T)
        default: break
        }
        if let described = type as? any SchemaDescribed.Type {
            return (described.jsonSchema, described.schemaPlaceholder as! T)
        }
        if let enumeration = type as? any (CaseIterable & RawRepresentable).Type, let (schema, first) = cases(of: enumeration) {
            return (schema, first as! T)
        }
        return nil
    }

    private static func zero<I: BinaryInteger>(of type: I.Type) -> I { 0 }

    private static func cases<E: CaseIterable & RawRepresentable>(of type: E.Type) -> (JSONValue, E)? {
        guard let first = E.allCases.first, first.rawValue is String else { return nil }
        let values = E.allCases.map { JSONValue.string($0.rawValue as! String) }
        return (.object(["type": .string("string"), "enum": .array(values)]), first)
    }

    /// What a probed type turned out to be.
    enum Shape {
        case object(properties: [String: JSONValue], required: [String], open: Bool)
        case array(items: JSONValue?)
        case value(JSONValue)

        var schema: JSONValue {
            switch self {
            case let .object(properties, required, open):
                var schema: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
                if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
                if open { schema["additionalProperties"] = .bool(true) }
                return .object(schema)
            case .array(let items):
                return .object(["type": .string("array"), "items": items ?? .object([:])])
            case .value(let schema):
                return schema
            }
        }
    }

    /// The decoder a type is read with: it hands out placeholders and notes what was asked for.
    final class Probe: Decoder {
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]
        var shape: Shape?
        let reader: SchemaReader
        init(reader: SchemaReader) { self.reader = reader }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            if shape == nil { shape = .object(properties: [:], required: [], open: false) }
            return KeyedDecodingContainer(Keyed<Key>(probe: self))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            if shape == nil { shape = .array(items: nil) }
            return Unkeyed(probe: self)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(probe: self) }

        func property(_ key: String, _ schema: JSONValue, required: Bool) {
            guard case .object(var properties, var requiredKeys, let open) = shape else { return }
            properties[key] = schema
            if required, !requiredKeys.contains(key) { requiredKeys.append(key) }
            shape = .object(properties: properties, required: requiredKeys, open: open)
        }

        func markOpen() {
            if case .object(let properties, let required, _) = shape { shape = .object(properties: properties, required: required, open: true) }
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let probe: Probe
        var codingPath: [any CodingKey] { probe.codingPath }
        /// A dictionary asks for its keys: an object whose properties are not known.
        var allKeys: [Key] {
            probe.markOpen()
            return []
        }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(type, key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try decodeIfPresent(type, key) }

        // The primitives' own requirements, so that none falls back to a default that would mark it required.
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type as Bool.Type, key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(type as Bool.Type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type as String.Type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(type as String.Type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type as Double.Type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(type as Double.Type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type as Float.Type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeIfPresent(type as Float.Type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type as Int.Type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(type as Int.Type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type as Int8.Type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIfPresent(type as Int8.Type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type as Int16.Type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIfPresent(type as Int16.Type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type as Int32.Type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIfPresent(type as Int32.Type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type as Int64.Type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(type as Int64.Type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type as UInt.Type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(type as UInt.Type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type as UInt8.Type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIfPresent(type as UInt8.Type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type as UInt16.Type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIfPresent(type as UInt16.Type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type as UInt32.Type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIfPresent(type as UInt32.Type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type as UInt64.Type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIfPresent(type as UInt64.Type, key) }

        private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
            let (schema, value) = try probe.reader.read(type)
            probe.property(key.stringValue, schema, required: true)
            return value
        }

        private func decodeIfPresent<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
            probe.property(key.stringValue, probe.reader.optional(try probe.reader.read(type).schema), required: false)
            return nil
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw Failure(description: "nested containers are not read (\(key.stringValue)): give the type a schema (SchemaDescribed)")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw Failure(description: "nested containers are not read (\(key.stringValue)): give the type a schema (SchemaDescribed)")
        }

        func superDecoder() throws -> any Decoder { probe }
        func superDecoder(forKey key: Key) throws -> any Decoder { probe }
    }

    /// An array: one element is read, for its schema.
    struct Unkeyed: UnkeyedDecodingContainer {
        let probe: Probe
        var codingPath: [any CodingKey] { probe.codingPath }
        var count: Int? { 1 }
        var currentIndex = 0
        var isAtEnd: Bool { currentIndex > 0 }

        mutating func decodeNil() throws -> Bool { false }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element(type) }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try element(type) }
        mutating func decode(_ type: String.Type) throws -> String { try element(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try element(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try element(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try element(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try element(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try element(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try element(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try element(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try element(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element(type) }

        private mutating func element<T: Decodable>(_ type: T.Type) throws -> T {
            let (schema, value) = try probe.reader.read(type)
            probe.shape = .array(items: schema)
            currentIndex += 1
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            throw Failure(description: "nested containers are not read: give the type a schema (SchemaDescribed)")
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw Failure(description: "nested containers are not read: give the type a schema (SchemaDescribed)")
        }

        mutating func superDecoder() throws -> any Decoder { probe }
    }

    /// A single value: the type's own (a raw-value enum, a wrapper) decodes a primitive.
    struct Single: SingleValueDecodingContainer {
        let probe: Probe
        var codingPath: [any CodingKey] { probe.codingPath }

        func decodeNil() -> Bool { false }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try value(type) }
        func decode(_ type: Bool.Type) throws -> Bool { try value(type) }
        func decode(_ type: String.Type) throws -> String { try value(type) }
        func decode(_ type: Double.Type) throws -> Double { try value(type) }
        func decode(_ type: Float.Type) throws -> Float { try value(type) }
        func decode(_ type: Int.Type) throws -> Int { try value(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try value(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try value(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try value(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try value(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try value(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try value(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try value(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try value(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try value(type) }

        private func value<T: Decodable>(_ type: T.Type) throws -> T {
            let (schema, value) = try probe.reader.read(type)
            probe.shape = .value(schema)
            return value
        }
    }
}

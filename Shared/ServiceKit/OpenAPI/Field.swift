import AgreementContract
import AgreementDomain

/// What a document says about one property beyond what its Swift type says: its prose, its limits, examples. The
/// property itself (its name, JSON type, whether it is required or may be null) is read off the type
/// (``SchemaReader``); a field for a key the type does not have is an error when the document is built.
public struct Field: Sendable {
    /// JSON Schema keywords added to the property's schema (beside the `$ref` when it refers to a component).
    public var keywords: [String: JSONValue]
    /// The fields of an inline object, or of the inline objects of an array.
    public var fields: [String: Field]
    /// Keywords added to an array's item schema.
    public var items: [String: JSONValue]

    public init(_ keywords: [String: JSONValue] = [:], fields: [String: Field] = [:], items: [String: JSONValue] = [:]) {
        self.keywords = keywords
        self.fields = fields
        self.items = items
    }

    /// A property with a description and any other keywords.
    public static func about(_ description: String? = nil, _ keywords: [String: JSONValue] = [:],
                             fields: [String: Field] = [:], items: [String: JSONValue] = [:]) -> Field {
        var all = keywords
        if let description { all["description"] = .string(description) }
        return Field(all, fields: fields, items: items)
    }

    /// A string the Swift type holds as text that is a UUID.
    public static func uuid(_ description: String? = nil) -> Field {
        about(description, ["format": "uuid"])
    }

    /// A string. One with a length limit is a field the domain validates: without a pattern or format of its own it
    /// gets ``TextPattern/noControl`` (the domain refuses control characters in every text).
    public static func text(_ description: String, min: Int? = nil, max: Int? = nil, pattern: TextPattern? = nil,
                            format: String? = nil, examples: [JSONValue] = [], default value: String? = nil) -> Field {
        var k: [String: JSONValue] = ["description": .string(description)]
        if let min { k["minLength"] = .integer(Int64(min)) }
        if let max { k["maxLength"] = .integer(Int64(max)) }
        var pattern = pattern
        if pattern == nil, format == nil, min != nil || max != nil { pattern = .noControl }
        if let pattern { k["pattern"] = .string(pattern.rawValue) }
        if let format { k["format"] = .string(format) }
        if !examples.isEmpty { k["examples"] = .array(examples) }
        if let value { k["default"] = .string(value) }
        return Field(k)
    }

    /// `schema` with this field's additions; `path` names it in errors.
    func applied(to schema: JSONValue, at path: String) throws -> JSONValue {
        let (inner, isNullable) = Self.unwrapped(schema)
        if inner["$ref"] != nil {
            guard fields.isEmpty, items.isEmpty else {
                throw SchemaReader.Failure(description: "\(path) refers to a component: describe its fields there")
            }
            var result = isNullable ? SchemaReader.nullable(inner) : inner
            for (key, value) in keywords { result[key] = value }
            return result
        }
        var result = inner
        for (key, value) in keywords { result[key] = value }
        if !items.isEmpty {
            guard var itemSchema = result["items"] else { throw SchemaReader.Failure(description: "\(path) is not an array") }
            for (key, value) in items { itemSchema[key] = value }
            result["items"] = itemSchema
        }
        if !fields.isEmpty {
            if result["items"] != nil {
                result["items"] = try Self.apply(fields, to: result["items"]!, at: path + "[]")
            } else {
                result = try Self.apply(fields, to: result, at: path)
            }
        }
        return isNullable ? SchemaReader.nullable(result) : result
    }

    /// An object schema with each field applied to its property.
    static func apply(_ fields: [String: Field], to schema: JSONValue, at path: String) throws -> JSONValue {
        guard case .object(var properties)? = schema["properties"] else {
            throw SchemaReader.Failure(description: "\(path) is not an object with properties")
        }
        for (key, field) in fields {
            guard let property = properties[key] else {
                throw SchemaReader.Failure(description: "\(path).\(key): the Swift type has no such key")
            }
            properties[key] = try field.applied(to: property, at: "\(path).\(key)")
        }
        var result = schema
        result["properties"] = .object(properties)
        return result
    }

    /// A schema without its `null` alternative, and whether it had one.
    static func unwrapped(_ schema: JSONValue) -> (JSONValue, Bool) {
        if case .array(let options)? = schema["anyOf"], options.count == 2, options.contains(["type": "null"]) {
            return (options.first { $0 != ["type": "null"] }!, true)
        }
        if case .array(let types)? = schema["type"], types.contains(.string("null")) {
            var result = schema
            let real = types.filter { $0 != .string("null") }
            result["type"] = real.count == 1 ? real[0] : .array(real)
            if case .array(let values)? = schema["enum"] { result["enum"] = .array(values.filter { $0 != .null }) }
            return (result, true)
        }
        return (schema, false)
    }
}

/// The regular expressions the documents give for the domain's text rules (``AgreementValidation``, the one home
/// of those rules: the services check with it, these only describe it; a test holds each against it).
public enum TextPattern: String, Sendable, CaseIterable {
    /// `containsForbiddenControl`: Unicode's control characters (Cc) except tab and line feed.
    case noControl = #"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$"#
    /// `isMobile`.
    case mobile = #"^1[3-9]\d{9}$"#
    /// `isPostalCode`.
    case postalCode = #"^[1-9]\d{5}$"#
    /// `isPhone`: a mobile; a landline with area code (0 + 2–3 digits, the second not 0) and a 7–8 digit number not
    /// starting with 0/1, as `010-62751407` (optionally `-extension`), `010 62751407` or `01062751407`; or a 400/800
    /// number (10 digits, single dashes allowed).
    case phone = #"^(?:1[3-9]\d{9}|0[1-9]\d{1,2}-[2-9]\d{6,7}(?:-\d{1,6})?|0[1-9]\d{1,2} [2-9]\d{6,7}|0[1-9]\d{1,2}[2-9]\d{6,7}|[48]-?0-?0(?:-?\d){7})$"#
    /// 统一社会信用代码 (GB 32100-2015): 18 characters of the code's alphabet (no I, O, S, V, Z); the check character
    /// cannot be expressed here. The service upper-cases it first.
    case creditCode = "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$"
    /// ``AgreementNumber``: year + school code + 6-digit serial.
    case agreementNumber = #"^20\d{2}\d{5}\d{6}$"#
}

import AgreementContract
import Foundation
import ServiceKit
import Testing

/// A service's OpenAPI document (`Services/<service>/openapi.json`) held against the Swift types it describes: each
/// component's properties, which of them are required, and each property's JSON type (string, integer, number,
/// boolean, array of what, object, the enum's values, `date-time` and `uuid` formats) must be what the type's own
/// `init(from:)` reads (``SchemaReader``).
public struct DocumentedSchemas: Sendable {
    let schemas: [String: JSONValue]

    public init(service: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Services/\(service)/openapi.json")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: file))
        guard case .object(let components)? = document["components"], case .object(let schemas)? = components["schemas"] else {
            throw SchemaReader.Failure(description: "\(file.path) has no components.schemas")
        }
        self.schemas = schemas
    }

    /// Keys a type reads optionally (a default fills them in) but always writes, so an answer always has them.
    public static let alwaysWritten: [String: Set<String>] = ["StudentForm": ["personalOpinion"]]

    /// What the component `name` says that `type` does not, one line each; empty when they agree. Objects inside
    /// it (inline or referenced) are compared too.
    public func differences<T: Decodable>(_ name: String, _ type: T.Type) throws -> [String] {
        guard let documented = schemas[name] else { return ["\(name): not in the document"] }
        return compare(name, documented, try SchemaReader.schema(of: type), component: name)
    }

    func compare(_ path: String, _ documented: JSONValue, _ swift: JSONValue, component: String?) -> [String] {
        if swift["properties"] == nil {
            // A value (an enum, a string): its type and values.
            let (doc, code) = (kind(documented), kind(swift))
            guard doc.type == code.type, doc.values == code.values, code.format == nil || doc.format == code.format else {
                return ["\(path): documented as \(doc), the Swift type is \(code)"]
            }
            if doc.type.hasPrefix("array"), let items = swift["items"], let documentedItems = arrayItems(documented) {
                return compare(path + "[]", documentedItems, items, component: referenced(documentedItems))
            }
            return []
        }
        let written = object(documented)
        var derived = object(swift)
        derived.required.formUnion(component.flatMap { Self.alwaysWritten[$0] } ?? [])
        var found: [String] = []
        let (documentedKeys, swiftKeys) = (Set(written.properties.keys), Set(derived.properties.keys))
        if documentedKeys != swiftKeys {
            found.append("\(path): documented properties \(documentedKeys.subtracting(swiftKeys).sorted()) are not in the Swift type; "
                         + "its \(swiftKeys.subtracting(documentedKeys).sorted()) are not documented")
        }
        if written.required != derived.required {
            found.append("\(path): documented as required \(written.required.sorted()), the Swift type requires \(derived.required.sorted())")
        }
        for key in documentedKeys.intersection(swiftKeys).sorted() {
            let doc = unwrapped(written.properties[key]!)
            found += compare("\(path).\(key)", doc, derived.properties[key]!, component: referenced(doc))
        }
        return found
    }

    /// A property's schema without its `null` alternative.
    func unwrapped(_ schema: JSONValue) -> JSONValue {
        if case .array(let options)? = schema["anyOf"] {
            let real = options.filter { $0["type"] != .string("null") }
            if real.count == 1 { return real[0] }
        }
        return schema
    }

    /// The component a schema refers to, if it does.
    func referenced(_ schema: JSONValue) -> String? {
        if case .string(let ref)? = schema["$ref"] { return String(ref.split(separator: "/").last ?? "") }
        return nil
    }

    func arrayItems(_ schema: JSONValue) -> JSONValue? { resolved(unwrapped(schema))["items"].map(unwrapped) }

    struct Object {
        var properties: [String: JSONValue] = [:]
        var required: Set<String> = []
    }

    /// An object schema's properties and required keys, `allOf` parts and references resolved.
    func object(_ schema: JSONValue) -> Object {
        let schema = resolved(schema)
        var result = Object()
        if case .array(let parts)? = schema["allOf"] {
            for part in parts {
                let o = object(part)
                result.properties.merge(o.properties) { a, _ in a }
                result.required.formUnion(o.required)
            }
        }
        if case .object(let properties)? = schema["properties"] { result.properties.merge(properties) { a, _ in a } }
        if case .array(let required)? = schema["required"] {
            result.required.formUnion(required.compactMap { if case .string(let s) = $0 { s } else { nil } })
        }
        return result
    }

    func resolved(_ schema: JSONValue) -> JSONValue {
        if case .string(let ref)? = schema["$ref"], let target = schemas[String(ref.split(separator: "/").last ?? "")] {
            return resolved(target)
        }
        return schema
    }

    struct Kind: CustomStringConvertible, Equatable {
        var type: String
        var format: String?
        var values: [String]?
        var description: String {
            type + (format.map { "(\($0))" } ?? "") + (values.map { " [\($0.joined(separator: ", "))]" } ?? "")
        }
    }

    /// A property's JSON type, optionality (`null`) left aside.
    func kind(_ schema: JSONValue) -> Kind {
        let schema = resolved(schema)
        if case .array(let options)? = schema["anyOf"] {
            let real = options.filter { $0["type"] != .string("null") }
            if real.count == 1 { return kind(real[0]) }
        }
        if schema["allOf"] != nil { return Kind(type: "object") }
        var type = "object"
        switch schema["type"] {
        case .string(let t)?: type = t
        case .array(let types)?:
            type = types.compactMap { if case .string(let t) = $0, t != "null" { t } else { nil } }.first ?? "null"
        default: if schema["const"] != nil { type = "string" }
        }
        if type == "array" { return Kind(type: "array of " + (schema["items"].map { kind($0).description } ?? "anything")) }
        var values: [String]?
        if case .array(let list)? = schema["enum"] {
            values = list.compactMap { if case .string(let s) = $0 { s } else { nil } }.sorted()
        }
        var format: String?
        if case .string(let f)? = schema["format"], f == "date-time" || f == "uuid" { format = f }
        return Kind(type: type, format: format, values: values)
    }
}

extension DocumentedSchemas {
    /// Expects every `(component, type)` of `service`'s document to agree with its Swift type.
    public static func expectAgreement(_ service: String, _ pairs: [(String, any Decodable.Type)],
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let document = try DocumentedSchemas(service: service)
        for (name, type) in pairs {
            let differences = try document.differences(name, type)
            #expect(differences.isEmpty, "\(differences.joined(separator: "; "))", sourceLocation: sourceLocation)
        }
    }
}

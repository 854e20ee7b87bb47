import AgreementContract
import AgreementDomain
import Foundation

/// A named schema of a document: a Swift type's JSON (read off the type by ``SchemaReader``) and the prose around
/// it. `also` names further types whose JSON must be the same (a request type and the domain type it becomes);
/// `extends` shows the type as its parent's component plus its own keys (`allOf`).
public struct Component {
    public var name: String
    var type: any Decodable.Type
    var aliases: [any Decodable.Type]
    var description: String?
    var fields: [String: Field]
    var examples: [JSONValue]
    var extends: (any Decodable.Type)?
    /// Keys the type reads optionally (a default fills them in) but always writes: required, never null.
    var alwaysWritten: Set<String>

    public init(_ name: String, _ type: any Decodable.Type, also aliases: [any Decodable.Type] = [],
                description: String? = nil, extends: (any Decodable.Type)? = nil, alwaysWritten: Set<String> = [],
                examples: [JSONValue] = [], fields: [String: Field] = [:]) {
        self.name = name
        self.type = type
        self.aliases = aliases
        self.description = description
        self.fields = fields
        self.examples = examples
        self.extends = extends
        self.alwaysWritten = alwaysWritten
    }

    /// The same prose for another type under another name (without `removing` keys).
    public func named(_ name: String, _ type: any Decodable.Type, removing: Set<String> = [], description: String? = nil,
                      examples: [JSONValue]? = nil) -> Component {
        Component(name, type, description: description ?? self.description, alwaysWritten: alwaysWritten.subtracting(removing),
                  examples: examples ?? self.examples, fields: fields.filter { !removing.contains($0.key) })
    }
}

/// A service's OpenAPI 3.1 document, built from the Swift types its routes read and write: every schema's
/// properties, types and required keys are the types' own; the document adds only what a reader needs beside them
/// (prose, limits, examples, which errors each operation answers). Served at `GET /openapi.json` and committed as
/// `Services/<service>/openapi.json` (a test keeps the file up to date).
public struct APIDocument {
    public var service: String
    public var title: String
    public var port: Int
    public var about: String
    /// The roles the service takes commands from (who may look up a command's outcome).
    public var commandRoles: [Role]
    public var operations: [APIOperation]
    /// The service's own components (the shared ones are ``SharedComponents``).
    public var components: [Component]
    /// Further types of the service that read a component's JSON (a request type the service turns into the
    /// component's type): each must read the same JSON.
    public var aliases: [String: [any Decodable.Type]]

    public init(service: String, title: String, port: Int, about: String, commandRoles: [Role],
                aliases: [String: [any Decodable.Type]] = [:], components: [Component], operations: [APIOperation]) {
        self.aliases = aliases
        self.service = service
        self.title = title
        self.port = port
        self.about = about
        self.commandRoles = commandRoles
        self.operations = operations
        self.components = components
    }

    public static let openAPIVersion = "3.1.0"
    public static let apiVersion = "1.0.0"

    /// The tags, in document order.
    static let tags: [(name: String, description: String)] = [
        ("student", "学生 (students): 我的签约."),
        ("employer", "用人单位 (employers): 单位注册, 待签约信息, 已签约信息."),
        ("counselor", "学院辅导员/协理员 (counselors): their own college's students."),
        ("office", "就业处 (employment office): every college, operations and verification."),
        ("health", "Liveness, readiness and this document (no token)."),
    ]

    /// The service's operations and those every service serves.
    var allOperations: [APIOperation] {
        operations + SharedComponents.commonOperations(service: service, commandRoles: commandRoles)
    }

    /// The paths the document covers: the API, health and the document itself (the portals' pages are not in it).
    static func isAPIPath(_ path: String) -> Bool {
        path.hasPrefix("/v1/") || path.hasPrefix("/health/") || path == "/openapi.json"
    }

    /// Throws unless the API routes a router registered, as (method, path), are exactly the document's operations:
    /// no route without its operation, no operation without its route.
    public func checkRoutes(_ routes: [(method: String, path: String)]) throws {
        func key(_ method: String, _ path: String) -> String {
            let parts = path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") ? "{}" : String($0) }
            return method.uppercased() + " /" + parts.joined(separator: "/")
        }
        let routed = Set(routes.filter { Self.isAPIPath($0.path) }.map { key($0.method, $0.path) })
        let documented = Set(allOperations.map { key($0.method.rawValue, $0.path) })
        guard routed == documented else {
            throw SchemaReader.Failure(description: "\(service): routes without an operation in the OpenAPI document: "
                                       + "\(routed.subtracting(documented).sorted()); operations without a route: \(documented.subtracting(routed).sorted())")
        }
    }

    /// The document, pretty-printed with sorted keys.
    public func rendered() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(try json()), as: UTF8.self) + "\n"
    }

    public func json() throws -> JSONValue {
        let all = (SharedComponents.all + components).map { component in
            var component = component
            component.aliases += aliases[component.name] ?? []
            return component
        }
        var byName: [String: Component] = [:]
        var names: [ObjectIdentifier: String] = [:]
        for component in all {
            guard byName[component.name] == nil else {
                throw SchemaReader.Failure(description: "component \(component.name) is declared twice")
            }
            byName[component.name] = component
            for type in [component.type] + component.aliases { names[ObjectIdentifier(type)] = component.name }
        }
        let reader = SchemaReader(components: names, nullable: true)
        let operations = allOperations

        var paths: [String: JSONValue] = [:]
        for operation in operations {
            var item = paths[operation.path] ?? [:]
            guard item[operation.method.rawValue] == nil else {
                throw SchemaReader.Failure(description: "\(operation.method) \(operation.path) is declared twice")
            }
            item[operation.method.rawValue] = try json(operation, reader)
            paths[operation.path] = item
        }
        let pathsJSON = JSONValue.object(paths)

        // The components the operations use, and those they use.
        var used = Set(Self.references(in: pathsJSON, kind: "schemas"))
        var schemas: [String: JSONValue] = [:]
        var pending = Array(used)
        while let name = pending.popLast() {
            guard let component = byName[name] else { throw SchemaReader.Failure(description: "no component \(name)") }
            let schema = try self.schema(component, reader, names)
            schemas[name] = schema
            for found in Self.references(in: schema, kind: "schemas") where !used.contains(found) {
                used.insert(found)
                pending.append(found)
            }
        }
        var examples: [String: JSONValue] = [:]
        for name in Set(Self.references(in: pathsJSON, kind: "examples")) {
            guard let example = APIExamples.components[name] else { throw SchemaReader.Failure(description: "no example \(name)") }
            examples[name] = example
        }
        let tagsUsed = Set(operations.flatMap(\.tags))
        return [
            "openapi": .string(Self.openAPIVersion),
            "info": [
                "title": .string(title), "version": .string(Self.apiVersion),
                "summary": "网签: online signing of graduate employment agreements (毕业生就业协议书网上签约).",
                "description": .string(about + "\n\n" + SharedComponents.commonRules),
            ],
            "servers": [["url": .string("http://localhost:\(port)"), "description": "Local development"]],
            "tags": .array(Self.tags.filter { tagsUsed.contains($0.name) }.map { ["name": .string($0.name), "description": .string($0.description)] }),
            "paths": pathsJSON,
            "components": [
                "schemas": .object(schemas),
                "examples": .object(examples),
                "securitySchemes": ["bearerAuth": [
                    "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "HS256 token from the identity provider (`wangqianctl token` in development).",
                ]],
            ],
        ]
    }

    func schema(_ component: Component, _ reader: SchemaReader, _ names: [ObjectIdentifier: String]) throws -> JSONValue {
        var schema = try reader.schema(of: component.type)
        for alias in component.aliases where try reader.schema(of: alias) != schema {
            throw SchemaReader.Failure(description: "\(component.name): \(alias) does not read the same JSON as \(component.type)")
        }
        for key in component.alwaysWritten {
            guard let property = schema["properties"]?[key] else {
                throw SchemaReader.Failure(description: "\(component.name).\(key): the Swift type has no such key")
            }
            schema["properties"]?[key] = Field.unwrapped(property).0
            var required: [JSONValue] = schema["required"]?.arrayValue ?? []
            if !required.contains(.string(key)) { required.append(.string(key)) }
            schema["required"] = .array(required)
        }
        if let parent = component.extends {
            guard let parentName = names[ObjectIdentifier(parent)] else {
                throw SchemaReader.Failure(description: "\(component.name) extends \(parent), which is no component")
            }
            let inherited = try reader.schema(of: parent)
            guard case .object(var properties)? = schema["properties"], case .object(let parentProperties)? = inherited["properties"] else {
                throw SchemaReader.Failure(description: "\(component.name) and \(parent) must both be objects")
            }
            for key in parentProperties.keys { properties.removeValue(forKey: key) }
            var own: JSONValue = ["type": "object", "properties": .object(properties)]
            if case .array(let required)? = schema["required"] {
                let parentRequired = Set(inherited["required"]?.arrayValue ?? [])
                let remaining = required.filter { !parentRequired.contains($0) }
                if !remaining.isEmpty { own["required"] = .array(remaining) }
            }
            if !component.fields.isEmpty { own = try Field.apply(component.fields, to: own, at: component.name) }
            schema = ["allOf": [["$ref": .string("#/components/schemas/\(parentName)")], own]]
        } else if !component.fields.isEmpty {
            schema = try Field.apply(component.fields, to: schema, at: component.name)
        }
        if let description = component.description { schema["description"] = .string(description) }
        if !component.examples.isEmpty { schema["examples"] = .array(component.examples) }
        return schema
    }

    func json(_ operation: APIOperation, _ reader: SchemaReader) throws -> JSONValue {
        var lines = ["**\(operation.ui)** — \(operation.what)", ""]
        if let roles = operation.roles {
            lines.append("Roles: " + roles.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "." + (operation.rolesNote.map { " " + $0 } ?? ""))
        } else {
            lines.append("No token needed.")
        }
        var responses: [String: JSONValue] = [:]
        for (status, response) in operation.responses.entries {
            var r: JSONValue = ["description": .string(response.description)]
            if let payload = response.payload {
                var media: JSONValue = ["schema": try schema(of: payload, reader)]
                if let example = response.example ?? response.errorExample { media["example"] = example }
                if !response.examples.isEmpty {
                    media["examples"] = .object(response.examples.mapValues { ["$ref": .string("#/components/examples/\($0)")] })
                }
                r["content"] = ["application/json": media]
            }
            if let headers = response.headers { r["headers"] = headers }
            responses[String(status)] = r
        }
        var op: JSONValue = [
            "operationId": .string(operation.id), "summary": .string(operation.summary),
            "description": .string(lines.joined(separator: "\n")), "tags": .array(operation.tags.map(JSONValue.string)),
            "responses": .object(responses), "security": operation.roles == nil ? [] : [["bearerAuth": []]],
        ]
        if let body = operation.body {
            var media: JSONValue = ["schema": try schema(of: body.payload, reader)]
            if let example = body.example { media["example"] = example }
            var b: JSONValue = ["required": true, "content": .object([body.mediaType: media])]
            if let description = body.description { b["description"] = .string(description) }
            op["requestBody"] = b
        }
        if !operation.parameters.isEmpty { op["parameters"] = .array(operation.parameters) }
        return op
    }

    /// A payload's schema: its component's reference, or the type read inline.
    func schema(of payload: Payload, _ reader: SchemaReader) throws -> JSONValue {
        switch payload {
        case .schema(let schema): return schema
        case .type(let type):
            if let name = reader.components[ObjectIdentifier(type)] { return ["$ref": .string("#/components/schemas/\(name)")] }
            return try reader.schema(of: type)
        }
    }

    /// The names of the components of `kind` a JSON value refers to.
    static func references(in value: JSONValue, kind: String) -> [String] {
        switch value {
        case .object(let members):
            var found: [String] = []
            if case .string(let ref)? = members["$ref"], ref.hasPrefix("#/components/\(kind)/") {
                found.append(String(ref.dropFirst("#/components/\(kind)/".count)))
            }
            return found + members.values.flatMap { references(in: $0, kind: kind) }
        case .array(let items): return items.flatMap { references(in: $0, kind: kind) }
        default: return []
        }
    }
}

extension JSONValue {
    /// The elements of an array (nil otherwise).
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { items } else { nil }
    }
}

import AgreementContract
import AgreementDomain
import Foundation

/// What a body or a response carries: a Swift type (its component, or its inline schema when it has none) or a
/// schema of its own (a CSV file, any JSON).
public enum Payload {
    case type(any Decodable.Type)
    case schema(JSONValue)
}

/// One operation of a service's HTTP API, as its document shows it.
public struct APIOperation {
    public enum Method: String { case get, put, post, delete, patch }

    public var method: Method
    public var path: String
    public var id: String
    public var summary: String
    /// The manual's label of the button or page (zh-CN).
    public var ui: String
    public var what: String
    /// The token roles served; nil: no token needed.
    public var roles: [Role]?
    public var rolesNote: String?
    public var tags: [String]
    public var parameters: [JSONValue]
    public var body: RequestBody?
    public var responses: Responses

    public init(_ method: Method, _ path: String, id: String, summary: String, ui: String, what: String,
                roles: [Role]?, rolesNote: String? = nil, tags: [String]? = nil, parameters: [JSONValue] = [],
                body: RequestBody? = nil, responses: Responses) {
        self.method = method
        self.path = path
        self.id = id
        self.summary = summary
        self.ui = ui
        self.what = what
        self.roles = roles
        self.rolesNote = rolesNote
        self.tags = tags ?? roles?.map(\.rawValue) ?? ["health"]
        self.parameters = parameters
        self.body = body
        self.responses = responses
    }

    /// A command: its answers (200 applied or unchanged, 202 pending) and its errors, a bad token or role,
    /// `refusals`, and what a JSON body can be refused for when it takes one; the 409 notes the race. An `{id}` in
    /// the path is the agreement's.
    public static func command(_ method: Method, _ path: String, id: String, summary: String, ui: String, what: String,
                               roles: [Role], rolesNote: String? = nil, body: RequestBody? = nil, refusals: ErrorSpec,
                               invalid: (field: String, message: String)? = nil,
                               refused: (status: AgreementStatus, message: String)? = nil) -> APIOperation {
        APIOperation(method, path, id: id, summary: summary, ui: ui, what: what, roles: roles, rolesNote: rolesNote,
                     parameters: path.contains("{id}") ? [SharedComponents.agreementIDParameter] : [], body: body,
                     responses: .command + .errors(.auth + (body == nil ? ErrorSpec([:]) : .body) + refusals,
                                                   notes: [409: SharedComponents.raceNote], invalid: invalid, refused: refused))
    }

    public struct RequestBody {
        var payload: Payload
        var mediaType: String
        var example: JSONValue?
        var description: String?

        /// A JSON body of `type`.
        public static func json(_ type: any Decodable.Type, example: JSONValue? = nil) -> RequestBody {
            RequestBody(payload: .type(type), mediaType: "application/json", example: example, description: nil)
        }

        /// A body of another media type.
        public static func other(_ mediaType: String, _ schema: JSONValue, example: JSONValue?, description: String) -> RequestBody {
            RequestBody(payload: .schema(schema), mediaType: mediaType, example: example, description: description)
        }
    }

    /// A path parameter.
    public static func pathParameter(_ name: String, _ description: String, format: String? = nil, example: JSONValue? = nil) -> JSONValue {
        var schema: JSONValue = ["type": "string"]
        if let format { schema["format"] = .string(format) }
        var p: JSONValue = ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": schema]
        if let example { p["example"] = example }
        return p
    }

    /// An optional query parameter. The services trim every one and refuse control characters and more than
    /// ``AgreementValidation/maxQueryLength`` characters (422 `validation_failed`): a free-text one (no enum,
    /// pattern or format) says so in its schema.
    public static func queryParameter(_ name: String, _ description: String, schema: JSONValue = ["type": "string"],
                                      example: JSONValue? = nil) -> JSONValue {
        var schema = schema
        if schema["type"] == "string", schema["enum"] == nil, schema["pattern"] == nil, schema["format"] == nil {
            if schema["maxLength"] == nil { schema["maxLength"] = .integer(Int64(AgreementValidation.maxQueryLength)) }
            schema["pattern"] = .string(TextPattern.noControl.rawValue)
        }
        var p: JSONValue = ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": schema]
        if let example { p["example"] = example }
        return p
    }
}

/// An operation's responses by status.
public struct Responses {
    public struct Response {
        var description: String
        var payload: Payload?
        var example: JSONValue?
        /// Named examples: component example names (`#/components/examples/…`) by key.
        var examples: [String: String] = [:]
        var headers: JSONValue?
        /// An error response: its example body.
        var errorExample: JSONValue?
    }

    var entries: [Int: Response]

    public static func + (a: Responses, b: Responses) -> Responses {
        Responses(entries: a.entries.merging(b.entries) { _, new in new })
    }

    /// A successful answer of `type` (an agreement view gets the shared example when none is given).
    public static func ok(_ description: String, _ type: any Decodable.Type, example: JSONValue? = nil, status: Int = 200) -> Responses {
        var response = Response(description: description, payload: .type(type), example: example)
        if example == nil, type == AgreementView.self { response.examples = ["agreement": "AgreementView"] }
        return Responses(entries: [status: response])
    }

    /// A successful answer with a schema of its own.
    public static func ok(_ description: String, schema: JSONValue, status: Int = 200) -> Responses {
        Responses(entries: [status: Response(description: description, payload: .schema(schema))])
    }

    /// A response without a body.
    public static func bare(_ status: Int, _ description: String) -> Responses {
        Responses(entries: [status: Response(description: description)])
    }

    /// The answers to a command: 200 applied or unchanged, 202 pending.
    public static var command: Responses {
        Responses(entries: [
            200: Response(description: "Applied (`outcome: applied`), or a repetition that changed nothing (`outcome: unchanged`).",
                          payload: .type(CommandResponse.self), examples: ["applied": "CommandApplied"]),
            202: Response(description: "Recorded but not yet applied by this service's projection within the wait; poll `Location` (`GET /v1/commands/{commandId}`).",
                          payload: .type(CommandResponse.self), example: ["outcome": "pending", "commandId": .string(APIExamples.commandID)],
                          headers: ["Location": ["description": "`/v1/commands/{commandId}`", "schema": ["type": "string", "format": "uri-reference"],
                                                 "example": .string("/v1/commands/\(APIExamples.commandID)")]]),
        ])
    }

    /// The error answers of `spec`, each status listing its codes (and `notes` below them). The example body is the
    /// first code's; `invalid` is the (field, message) of a `validation_failed` example, `refused` the (status,
    /// message) of an `invalid_state` one.
    public static func errors(_ spec: ErrorSpec, notes: [Int: String] = [:], invalid: (field: String, message: String)? = nil,
                              refused: (status: AgreementStatus, message: String)? = nil) -> Responses {
        var entries: [Int: Response] = [:]
        for (status, codes) in spec.codes {
            var lines = ["\(DocumentedError.title(status)). Error codes:"] + codes.map { "- `\($0.code)`: \($0.when)" }
            if let note = notes[status] { lines += ["", note] }
            let first = codes[0]
            var detail: JSONValue = ["code": .string(first.code), "message": .string(first.example)]
            if first == .validationFailed, let invalid {
                detail["field"] = .string(invalid.field)
                detail["message"] = .string(invalid.message)
            }
            if status == 409 {
                detail["status"] = .string(AgreementStatus.confirmed.rawValue)
                if first == .invalidState, let refused {
                    detail["status"] = .string(refused.status.rawValue)
                    detail["message"] = .string(refused.message)
                }
            }
            entries[status] = Response(description: lines.joined(separator: "\n"), payload: .type(APIError.Body.self),
                                       errorExample: ["error": detail])
        }
        return Responses(entries: entries)
    }
}

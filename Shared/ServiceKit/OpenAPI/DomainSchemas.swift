import AgreementContract
import AgreementDomain
import Foundation

// The domain types whose JSON is hand-written (a validated string, an enum with associated values) state their
// schema here, next to nothing else: the JSON itself is written in Shared/Domain.

extension AgreementID: SchemaDescribed {
    public static var jsonSchema: JSONValue { .object(["type": .string("string"), "format": .string("uuid")]) }
    public static var schemaPlaceholder: AgreementID { .forStudent("2026000001") }
}

extension AgreementNumber: SchemaDescribed {
    public static var jsonSchema: JSONValue { .object(["type": .string("string")]) }
    public static var schemaPlaceholder: AgreementNumber { AgreementNumber(year: 2026, schoolCode: "10001", serial: 1) }
}

extension RefusalCode: SchemaDescribed {
    public static var jsonSchema: JSONValue { .object(["type": .string("string")]) }
    public static var schemaPlaceholder: RefusalCode { .notFound }
}

extension Actor: SchemaDescribed {
    /// `{"role", "id", "collegeCode"?}` (Actor's `encode(to:)`).
    public static var jsonSchema: JSONValue {
        .object([
            "type": .string("object"),
            "properties": .object([
                "role": .object(["type": .string("string"),
                                 "enum": .array(["student", "employer", "counselor", "office", "system"].map(JSONValue.string))]),
                "id": .object(["type": .string("string")]),
                "collegeCode": .object(["type": .string("string")]),
            ]),
            "required": .array([.string("role"), .string("id")]),
        ])
    }
    public static var schemaPlaceholder: Actor { .system("scheduler") }
}

import AgreementContract
import AgreementDomain
import Foundation
@testable import ServiceKit
import Testing

/// How the OpenAPI documents are built from the Swift types: the reader, the fields laid over it, and the
/// patterns that describe the domain's text rules.
@Suite struct APIDocumentTests {
    struct Inner: Decodable { var at: Date; var id: UUID? }
    struct Outer: Decodable { var name: String; var count: Int?; var items: [Inner]; var status: AgreementStatus; var flags: [String: Bool] }

    /// The reader itself: optional keys are not required, arrays and enums are seen, a struct is read inline.
    @Test func theReaderReadsWhatATypeDecodes() throws {
        let schema = try SchemaReader.schema(of: Outer.self)
        #expect(schema["required"] == .array([.string("name"), .string("items"), .string("status"), .string("flags")]))
        #expect(schema["properties"]?["count"] == .object(["type": .string("integer")]))
        #expect(schema["properties"]?["items"]?["items"]?["properties"]?["at"] == .object(["type": .string("string"), "format": .string("date-time")]))
        #expect(schema["properties"]?["items"]?["items"]?["required"] == .array([.string("at")]))
        #expect(schema["properties"]?["status"]?["enum"] == .array(AgreementStatus.allCases.map { .string($0.rawValue) }))
        #expect(schema["properties"]?["flags"]?["additionalProperties"] == .bool(true))
    }

    /// For a document: a component nested in a type is a reference, an optional key may also be null.
    @Test func componentsAreReferencedAndOptionalsNullable() throws {
        let reader = SchemaReader(components: [ObjectIdentifier(Inner.self): "Inner", ObjectIdentifier(AgreementStatus.self): "AgreementStatus"],
                                  nullable: true)
        let outer = try reader.schema(of: Outer.self)
        #expect(outer["properties"]?["items"]?["items"] == ["$ref": "#/components/schemas/Inner"])
        #expect(outer["properties"]?["status"] == ["$ref": "#/components/schemas/AgreementStatus"])
        #expect(outer["properties"]?["count"] == ["type": ["integer", "null"]])
        // The component itself is read in full.
        let inner = try reader.schema(of: Inner.self)
        #expect(inner["properties"]?["id"] == ["type": ["string", "null"], "format": "uuid"])
        #expect(SchemaReader.nullable(["$ref": "#/components/schemas/Inner"]) == ["anyOf": [["$ref": "#/components/schemas/Inner"], ["type": "null"]]])
        #expect(SchemaReader.nullable(["type": "string", "enum": ["a"]]) == ["type": ["string", "null"], "enum": ["a", nil]])
    }

    /// Fields add prose and limits; one for a key the type does not have, or a request type that reads other JSON
    /// than its component, stops the document from being built.
    @Test func fieldsAreCheckedAgainstTheType() throws {
        let schema = try SchemaReader(nullable: true).schema(of: Outer.self)
        let described = try Field.apply(["name": .text("名称.", max: 10), "count": .about("How many.", ["minimum": 0])], to: schema, at: "Outer")
        #expect(described["properties"]?["name"] == ["type": "string", "description": "名称.", "maxLength": 10,
                                                      "pattern": .string(TextPattern.noControl.rawValue)])
        #expect(described["properties"]?["count"] == ["type": ["integer", "null"], "description": "How many.", "minimum": 0])
        #expect(throws: SchemaReader.Failure.self) { try Field.apply(["nmae": .text("typo")], to: schema, at: "Outer") }

        var document = APIDocument(service: "test", title: "Test", port: 1, about: "About.", commandRoles: [.student],
                                   components: [Component("Outer", Outer.self, also: [Inner.self])],
                                   operations: [APIOperation(.get, "/v1/outer", id: "getOuter", summary: "Outer", ui: "外部", what: "It.",
                                                             roles: [.student], responses: .ok("It.", Outer.self))])
        #expect(throws: SchemaReader.Failure.self) { try document.json() }
        document.components = [Component("Outer", Outer.self, fields: ["name": .text("名称.")])]
        let json = try document.json()
        #expect(json["paths"]?["/v1/outer"]?["get"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"]
                == ["$ref": "#/components/schemas/Outer"])
        #expect(json["components"]?["schemas"]?["Outer"]?["properties"]?["name"]?["description"] == "名称.")
        #expect(json["components"]?["schemas"]?["AgreementStatus"] != nil, "a component the used one refers to is included")
        #expect(json["components"]?["schemas"]?["ReasonRequest"] == nil, "an unused one is not")
    }

    /// A service refuses to build when its router and its document disagree on the API's routes.
    @Test func routesAndOperationsMustMatch() throws {
        let document = APIDocument(service: "test", title: "Test", port: 1, about: "About.", commandRoles: [.student], components: [],
                                   operations: [APIOperation(.post, "/v1/things/{id}/sign", id: "sign", summary: "Sign", ui: "签", what: "It.",
                                                             roles: [.student], responses: .command)])
        let common = SharedComponents.commonOperations(service: "test", commandRoles: [.student])
            .map { (method: $0.method.rawValue.uppercased(), path: $0.path.replacingOccurrences(of: "{id}", with: ":id")) }
        let pages = [(method: "GET", path: "/agreements/:id")]
        try document.checkRoutes(common + pages + [(method: "POST", path: "/v1/things/:id/sign")])
        #expect(throws: SchemaReader.Failure.self) { try document.checkRoutes(common + pages) }
        #expect(throws: SchemaReader.Failure.self) {
            try document.checkRoutes(common + [(method: "POST", path: "/v1/things/:id/sign"), (method: "GET", path: "/v1/things")])
        }
    }

    /// The documents' patterns describe the domain's rules (AgreementValidation checks; the patterns only tell).
    @Test(arguments: [
        "13800138000", "12345678901", "1380013800", "010-62751407", "010-62751407-12", "010 62751407", "01062751407",
        "0755-86013388", "0010-62751407", "010-0123456", "400-123-4567", "8001234567", "62751407", "100871", "010087",
        "1008711", "", "abc", "202610001000123", "2026100010001234", "zhangsan@stu.example.edu.cn", "a\u{0}b", "a\tb\nc",
        "a\u{1B}b", "a\u{85}b", "91440300708461136T",
    ])
    func thePatternsFollowTheDomain(sample: String) throws {
        func matches(_ pattern: TextPattern) throws -> Bool {
            try NSRegularExpression(pattern: pattern.rawValue).firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil
        }
        #expect(try matches(.mobile) == AgreementValidation.isMobile(sample))
        #expect(try matches(.phone) == AgreementValidation.isPhone(sample))
        #expect(try matches(.postalCode) == AgreementValidation.isPostalCode(sample))
        #expect(try matches(.noControl) == !AgreementValidation.containsForbiddenControl(sample))
        #expect(try matches(.agreementNumber) == (AgreementNumber(parsing: sample) != nil))
        // The credit code's check character is beyond a pattern: a valid code matches, not every match is valid.
        if AgreementValidation.isCreditCode(sample) { #expect(try matches(.creditCode)) }
    }
}

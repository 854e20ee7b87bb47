import AgreementDomain
import Foundation
@testable import ServiceKit
import ServiceTestSupport
import Testing

/// The schemas every service's OpenAPI document shares, held against the Swift types that write those bodies (the
/// documents' other schemas are checked in each service's tests; Tests/Docs checks the shared ones are the same in
/// all four documents).
@Suite struct DocumentedSchemaTests {
    static let shared: [(String, any Decodable.Type)] = [
        ("Agreement", Agreement.self), ("AgreementView", AgreementView.self), ("AgreementStatus", AgreementStatus.self),
        ("StudentSnapshot", StudentSnapshot.self), ("SourceReviewStatus", SourceReviewStatus.self),
        ("EmployerSnapshot", EmployerSnapshot.self), ("StudentForm", StudentForm.self), ("EmployerSection", EmployerSection.self),
        ("CollegeReview", CollegeReview.self), ("RecordedReason", RecordedReason.self), ("TimelineEntry", TimelineEntry.self),
        ("Actor", Actor.self), ("CommandStatus", CommandStatus.self), ("Health", ServiceHealth.Health.self),
        ("ServiceStatus", ServiceHealth.ServiceStatus.self), ("ProjectionDigest", ProjectionDigest.self), ("Error", APIError.Body.self),
    ]

    @Test(arguments: ["student", "employer", "college", "scheduler"])
    func theSharedSchemasAreTheSwiftTypes(service: String) throws {
        let document = try DocumentedSchemas(service: service)
        for (name, type) in Self.shared {
            let differences = try document.differences(name, type)
            #expect(differences.isEmpty, "\(service): \(differences.joined(separator: "; "))")
        }
    }

    @Test func commandAnswersAndSummaries() throws {
        for (service, name, type) in [("student", "CommandResponse", CommandResponse.self as any Decodable.Type),
                                      ("employer", "AgreementSummary", AgreementSummary.self)] {
            let differences = try DocumentedSchemas(service: service).differences(name, type)
            #expect(differences.isEmpty, "\(differences.joined(separator: "; "))")
        }
    }

    /// The reader itself: optional keys are not required, arrays and enums are seen, a struct is read inline.
    @Test func theReaderReadsWhatATypeDecodes() throws {
        struct Inner: Decodable { var at: Date; var id: UUID? }
        struct Outer: Decodable { var name: String; var count: Int?; var items: [Inner]; var status: AgreementStatus; var flags: [String: Bool] }
        let schema = try SchemaReader.schema(of: Outer.self)
        #expect(schema["required"] == .array([.string("name"), .string("items"), .string("status"), .string("flags")]))
        #expect(schema["properties"]?["count"] == .object(["type": .string("integer")]))
        #expect(schema["properties"]?["items"]?["items"]?["properties"]?["at"] == .object(["type": .string("string"), "format": .string("date-time")]))
        #expect(schema["properties"]?["items"]?["items"]?["required"] == .array([.string("at")]))
        #expect(schema["properties"]?["status"]?["enum"] == .array(AgreementStatus.allCases.map { .string($0.rawValue) }))
        #expect(schema["properties"]?["flags"]?["additionalProperties"] == .bool(true))
    }
}

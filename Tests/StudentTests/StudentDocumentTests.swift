import ServiceTestSupport
@testable import StudentService
import Testing

/// The student service's OpenAPI document, built from its Swift types, is the committed one.
@Suite struct StudentDocumentTests {
    @Test func theCommittedDocumentIsTheBuiltOne() throws {
        try CommittedDocument.expectUpToDate(StudentAPIDocument.document)
    }
}

import ServiceTestSupport
@testable import EmployerService
import Testing

/// The employer service's OpenAPI document, built from its Swift types, is the committed one.
@Suite struct EmployerDocumentTests {
    @Test func theCommittedDocumentIsTheBuiltOne() throws {
        try CommittedDocument.expectUpToDate(EmployerAPIDocument.document)
    }
}

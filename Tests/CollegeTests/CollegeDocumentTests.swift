import ServiceTestSupport
@testable import CollegeService
import Testing

/// The college service's OpenAPI document, built from its Swift types, is the committed one.
@Suite struct CollegeDocumentTests {
    @Test func theCommittedDocumentIsTheBuiltOne() throws {
        try CommittedDocument.expectUpToDate(CollegeAPIDocument.document)
    }
}

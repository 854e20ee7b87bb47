import ServiceTestSupport
@testable import SchedulerService
import Testing

/// The scheduler service's OpenAPI document, built from its Swift types, is the committed one.
@Suite struct SchedulerDocumentTests {
    @Test func theCommittedDocumentIsTheBuiltOne() throws {
        try CommittedDocument.expectUpToDate(SchedulerAPIDocument.document)
    }
}

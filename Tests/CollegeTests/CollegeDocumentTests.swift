@testable import CollegeService
import ServiceTestSupport
import Testing

/// The college service's own schemas in its OpenAPI document are its Swift types' (the shared ones: ServiceKitTests).
@Suite struct CollegeDocumentTests {
    @Test func theDocumentedBodiesAreTheSwiftTypes() throws {
        try DocumentedSchemas.expectAgreement("college", [
            ("CollegeReview", CollegeRoutes.ReviewRequest.self), ("ReasonRequest", CollegeRoutes.ReasonRequest.self),
            ("ReprintRequest", CollegeRoutes.ReprintRequest.self), ("ReviewPrefill", CollegeRoutes.Prefill.self),
            ("RosterImportReport", CollegeActions.ImportReport.self), ("RosterRecord", CollegeRoutes.RosterRecord.self),
            ("AgreementList", CollegeRoutes.AgreementList.self),
        ])
    }
}

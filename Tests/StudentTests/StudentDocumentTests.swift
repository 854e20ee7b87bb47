import ServiceTestSupport
@testable import StudentService
import Testing

/// The student service's own schemas in its OpenAPI document are its Swift types' (the shared ones: ServiceKitTests).
@Suite struct StudentDocumentTests {
    @Test func theDocumentedBodiesAreTheSwiftTypes() throws {
        try DocumentedSchemas.expectAgreement("student", [
            ("Me", StudentRoutes.Me.self), ("Notices", StudentStore.Notices.self), ("Notices", StudentRoutes.NoticesRequest.self),
            ("EmployerList", StudentRoutes.EmployerList.self), ("DraftRequest", StudentActions.Draft.self),
        ])
    }
}

@testable import EmployerService
import ServiceTestSupport
import Testing

/// The employer service's own schemas in its OpenAPI document are its Swift types' (the shared ones: ServiceKitTests).
@Suite struct EmployerDocumentTests {
    @Test func theDocumentedBodiesAreTheSwiftTypes() throws {
        try DocumentedSchemas.expectAgreement("employer", [
            ("SignRequest", EmployerRoutes.SignRequest.self), ("RegistrationRequest", EmployerRoutes.RegistrationRequest.self),
            ("ReasonRequest", EmployerRoutes.ReasonRequest.self), ("BatchSignRequest", EmployerRoutes.BatchSignRequest.self),
            ("BatchSignResponse", EmployerRoutes.BatchResponse.self), ("EmployerAccount", EmployerAccounts.Account.self),
            ("EmployerAccountList", EmployerRoutes.AccountList.self), ("PendingCount", EmployerRoutes.PendingCount.self),
            ("AgreementList", EmployerRoutes.AgreementList.self),
        ])
    }
}

@testable import SchedulerService
import ServiceTestSupport
import Testing

/// The scheduler's own schemas in its OpenAPI document are its Swift types' (the shared ones: ServiceKitTests).
@Suite struct SchedulerDocumentTests {
    @Test func theDocumentedBodiesAreTheSwiftTypes() throws {
        try DocumentedSchemas.expectAgreement("scheduler", [
            ("AdvanceRequest", SchedulerRoutes.AdvanceRequest.self), ("Clock", SchedulerRoutes.Clock.self),
            ("Timer", Timers.Timer.self), ("TimerList", SchedulerRoutes.TimerList.self),
        ])
    }
}

import Foundation
import Hummingbird
import ServiceKit

/// Timers and the clock, for the employment office (and tests and demos).
struct SchedulerRoutes: Sendable {
    let tokens: TokenAuthority
    let timers: any TimerRecords
    let clock: ServiceClock
    /// Whether `POST /v1/clock/advance` exists (tests and demos only).
    let clockControlEnabled: Bool
    let firing: TimerFiring

    struct TimerList: Codable, ResponseEncodable { var timers: [Timers.Timer] }
    struct Clock: Codable, ResponseEncodable { var now: Date; var offsetSeconds: Double; var controllable: Bool }
    struct AdvanceRequest: Decodable { var seconds: Double }

    func add(to router: Router<AppRequestContext>) {
        router.get("/v1/timers") { request, _ -> TimerList in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            var agreement: UUID?
            if let raw = try request.query("agreementID") {
                guard let id = UUID(uuidString: raw) else { throw APIError.validation("agreementID 格式不正确", field: "agreementID") }
                agreement = id
            }
            return TimerList(timers: try await timers.list(agreement: agreement))
        }
        router.get("/v1/clock") { request, _ -> Clock in
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            return Clock(now: clock.now, offsetSeconds: clock.offsetSeconds, controllable: clockControlEnabled)
        }
        router.post("/v1/clock/advance") { request, context -> Clock in
            guard clockControlEnabled else { throw APIError.notFound("未开启时钟调整") }
            _ = try await tokens.authenticate(request, allowing: [.employmentOffice])
            let body = try await request.decodeBody(as: AdvanceRequest.self, context: context)
            guard body.seconds > 0, body.seconds <= 366 * 24 * 3600 else {
                throw APIError.validation("seconds 必须大于 0 且不超过一年（31622400 秒）", field: "seconds")
            }
            clock.advance(by: body.seconds)
            try await timers.save(clock)
            firing.nudge()
            return Clock(now: clock.now, offsetSeconds: clock.offsetSeconds, controllable: true)
        }
    }
}

import Foundation
import Hummingbird
import ServiceKit

/// Timers and the clock, for the employment office (and tests and demos).
struct SchedulerRoutes: Sendable {
    let runtime: ServiceRuntime
    let firing: TimerFiring

    struct TimerList: ResponseEncodable { var timers: [Timers.Timer] }
    struct Clock: ResponseEncodable { var now: Date; var offsetSeconds: Double; var controllable: Bool }
    struct AdvanceRequest: Decodable { var seconds: Double }

    func add(to router: Router<AppRequestContext>) {
        router.get("/v1/timers") { request, _ -> TimerList in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            var agreement: UUID?
            if let raw = try request.query("agreementID") {
                guard let id = UUID(uuidString: raw) else { throw APIError.validation("agreementID 格式不正确", field: "agreementID") }
                agreement = id
            }
            return TimerList(timers: try await Timers.list(agreement: agreement, pool: runtime.pool))
        }
        router.get("/v1/clock") { request, _ -> Clock in
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            return Clock(now: runtime.clock.now, offsetSeconds: runtime.clock.offsetSeconds, controllable: runtime.config.clockControlEnabled)
        }
        router.post("/v1/clock/advance") { request, context -> Clock in
            guard runtime.config.clockControlEnabled else { throw APIError.notFound("未开启时钟调整") }
            _ = try await runtime.tokens.authenticate(request, allowing: [.employmentOffice])
            let body = try await request.decodeBody(as: AdvanceRequest.self, context: context)
            guard body.seconds > 0, body.seconds <= 366 * 24 * 3600 else {
                throw APIError.validation("seconds 必须大于 0 且不超过一年（31622400 秒）", field: "seconds")
            }
            runtime.clock.advance(by: body.seconds)
            try await Timers.saveClock(runtime)
            firing.nudge()
            return Clock(now: runtime.clock.now, offsetSeconds: runtime.clock.offsetSeconds, controllable: true)
        }
    }
}

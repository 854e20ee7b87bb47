import AgreementContract
import AgreementDomain
import ServiceKit

/// The scheduler service's OpenAPI document: its operations and the components only it uses (the shared ones are
/// ``SharedComponents``). Every schema is read off the Swift types named here.
enum SchedulerAPIDocument {
    static var document: APIDocument {
        APIDocument(
            service: "scheduler", title: "Wangqian scheduler service (自动确认)", port: 8084,
            about: "Durable seven-day timers that confirm an employer's signing automatically, and the scheduler's clock.",
            commandRoles: [.employmentOffice],
            components: [
                Component("Timer", Timers.Timer.self, description: "A seven-day auto-confirmation timer.", fields: [
                    "agreementID": .uuid(),
                    "eventID": .uuid(),
                    "note": .text("e.g. `superseded`."),
                ]),
                Component("TimerList", SchedulerRoutes.TimerList.self, fields: [
                    "timers": .about("By due time, at most 500."),
                ]),
                Component("Clock", SchedulerRoutes.Clock.self, examples: [["now": "2026-03-09T10:15:00.000Z", "offsetSeconds": 604800, "controllable": true]], fields: [
                    "offsetSeconds": .about("How far the clock runs ahead of real time."),
                    "controllable": .about("Started with WANGQIAN_CLOCK_CONTROL=1."),
                ]),
                Component("AdvanceRequest", SchedulerRoutes.AdvanceRequest.self, fields: [
                    "seconds": .about(nil, ["exclusiveMinimum": 0, "maximum": 31622400, "examples": [604800]]),
                ]),
            ],
            operations: operations)
    }

    static var operations: [APIOperation] {
        [
            APIOperation(.get, "/v1/timers", id: "listTimers",
                summary: "Auto-confirmation timers",
                ui: "自动确认计时",
                what: "The seven-day auto-confirmation timers and their state, optionally of one agreement.",
                roles: [.employmentOffice],
                parameters: [APIOperation.queryParameter("agreementID", "Only this agreement's timers.", schema: ["type": "string", "format": "uuid"], example: .string(APIExamples.agreementID))],
                responses: .ok("By due time.", SchedulerRoutes.TimerList.self) + .errors(.auth + ErrorSpec([422: [.validationFailed]]), notes: [422: "`agreementID` is not a UUID."], invalid: ("agreementID", "agreementID 格式不正确"))),
            APIOperation(.get, "/v1/clock", id: "getClock",
                summary: "The scheduler's clock",
                ui: "系统时钟",
                what: "The scheduler's clock and its offset from real time.",
                roles: [.employmentOffice],
                responses: .ok("The clock.", SchedulerRoutes.Clock.self) + .errors(.auth)),
            APIOperation(.post, "/v1/clock/advance", id: "advanceClock",
                summary: "Move the clock forward",
                ui: "时钟调整",
                what: "Shifts the clock forward (tests and demos); due timers fire. Only when started with `WANGQIAN_CLOCK_CONTROL=1`: otherwise 404 `not_found`, before the token is looked at.",
                roles: [.employmentOffice],
                body: .json(SchedulerRoutes.AdvanceRequest.self, example: ["seconds": 604800]),
                responses: .ok("The clock after the shift.", SchedulerRoutes.Clock.self) + .errors(.auth + .body + ErrorSpec([404: [.notFound]]), notes: [404: "Clock control is not enabled.", 422: "Also: `seconds` not in (0, one leap year]."], invalid: ("seconds", "seconds 必须在 1 秒到一年之间"))),
        ]
    }
}

import Hummingbird
import ServiceKit

/// The scheduler: durable seven-day timers that emit the auto-confirmation event. Reads only its configuration.
@main
struct SchedulerMain {
    static func main() async {
        await ServiceRuntime.main("scheduler") {
            let config = ServiceConfiguration.load(service: "scheduler", defaultPort: 8084)
            let runtime = try await ServiceRuntime.bootstrap(config, migrations: Timers.migrations)
            try await Timers.restoreClock(runtime)
            let consumers = runtime.consumers(onAgreement: { event, outcome, connection in
                try await Timers.track(event, outcome, on: connection)
            })
            let firing = TimerFiring(runtime: runtime)
            let router = runtime.makeRouter()
            SchedulerRoutes(runtime: runtime, firing: firing).add(to: router)
            try await runtime.run(router: router, services: consumers + [firing], openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self), commandRoles: [.employmentOffice])
        }
    }
}

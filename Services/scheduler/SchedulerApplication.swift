import Hummingbird
import ServiceKit

/// The scheduler as one application, built from its configuration alone: what `main` runs, and what the
/// in-process tests run against the real database and broker.
enum SchedulerApplication {
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: Timers.migrations)
        let timers = Timers(pool: runtime.pool)
        if config.clockControlEnabled { try await timers.restore(runtime.clock) }
        let consumers = runtime.consumers(onAgreement: { event, outcome, connection in
            try await Timers.track(event, outcome, on: connection)
        })
        let firing = TimerFiring(pool: runtime.pool, outbox: runtime.outbox, logger: runtime.logger)
        let router = runtime.makeRouter()
        SchedulerRoutes(tokens: runtime.tokens, timers: timers, clock: runtime.clock,
                        clockControlEnabled: config.clockControlEnabled, firing: firing).add(to: router)
        return try runtime.application(router: router, services: consumers + [firing], document: SchedulerAPIDocument.document)
    }
}

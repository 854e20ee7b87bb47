import Hummingbird
import PortalKit
import ServiceKit

/// The college service as one application, built from its configuration alone (see `SchedulerApplication`).
enum CollegeApplication {
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: CollegeStore.migrations + StaffDirectory.migrations)
        let actions = CollegeActions(
            records: CollegeStore(pool: runtime.pool, outbox: runtime.outbox), staff: StaffDirectory(pool: runtime.pool),
            agreements: runtime.agreements, commands: runtime.commands, clock: runtime.clock, schoolCode: runtime.config.schoolCode)
        let router = runtime.makeRouter()
        CollegeRoutes(tokens: runtime.tokens, actions: actions).add(to: router)
        try CollegePortal(parts: runtime.portalParts, actions: actions,
                          verification: PrintVerification(secret: runtime.config.verifySecret)).add(to: router)
        return try runtime.application(router: router, services: runtime.consumers(), document: CollegeAPIDocument.document)
    }
}

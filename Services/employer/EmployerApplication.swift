import Hummingbird
import PortalKit
import ServiceKit

/// The employer service as one application, built from its configuration alone (see `SchedulerApplication`).
enum EmployerApplication {
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: EmployerAccounts.migrations + EmployerLogins.migrations)
        let actions = EmployerActions(accounts: EmployerAccounts(pool: runtime.pool, outbox: runtime.outbox),
                                      agreements: runtime.agreements, commands: runtime.commands, logger: runtime.logger)
        let router = runtime.makeRouter()
        EmployerRoutes(tokens: runtime.tokens, actions: actions).add(to: router)
        try EmployerPortal(parts: runtime.portalParts, actions: actions, logins: EmployerLogins(pool: runtime.pool)).add(to: router)
        return try runtime.application(router: router, services: runtime.consumers(), document: EmployerAPIDocument.document)
    }
}

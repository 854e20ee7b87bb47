import Hummingbird
import ServiceKit

/// The employer service as one application, built from its configuration alone (see `SchedulerApplication`).
enum EmployerApplication {
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: EmployerAccounts.migrations + EmployerLogins.migrations)
        let router = runtime.makeRouter()
        EmployerRoutes(runtime: runtime).add(to: router)
        try EmployerPortal(runtime: runtime).add(to: router)
        return runtime.application(router: router, services: runtime.consumers(),
                                   openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self),
                                   commandRoles: [.employer])
    }
}

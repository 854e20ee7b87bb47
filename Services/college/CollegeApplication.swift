import Hummingbird
import ServiceKit

/// The college service as one application, built from its configuration alone (see `SchedulerApplication`).
enum CollegeApplication {
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: CollegeStore.migrations + StaffDirectory.migrations)
        let router = runtime.makeRouter()
        CollegeRoutes(runtime: runtime).add(to: router)
        try CollegePortal(runtime: runtime).add(to: router)
        return runtime.application(router: router, services: runtime.consumers(),
                                   openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self),
                                   commandRoles: [.counselor, .employmentOffice])
    }
}

import Hummingbird
import ServiceKit

/// The college service: the student roster it owns, 网上签约审核 (review and approval), printing and
/// 网上签约备案 (filing). Reads only its configuration.
@main
struct CollegeMain {
    static func main() async {
        await ServiceRuntime.main("college") {
            let config = ServiceConfiguration.load(service: "college", defaultPort: 8083)
            let runtime = try await ServiceRuntime.bootstrap(config, migrations: CollegeStore.migrations + StaffDirectory.migrations)
            let router = runtime.makeRouter()
            CollegeRoutes(runtime: runtime).add(to: router)
            try CollegePortal(runtime: runtime).add(to: router)
            try await runtime.run(router: router, services: runtime.consumers(), openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self), commandRoles: [.counselor, .employmentOffice])
        }
    }
}
